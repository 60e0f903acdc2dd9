from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "outbox_event" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "topic" VARCHAR(64) NOT NULL,
    "aggregate_type" VARCHAR(32) NOT NULL,
    "aggregate_id" BIGINT NOT NULL,
    "version" INT NOT NULL,
    "payload" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "published_at" TIMESTAMP
) /* A state change to announce. Written with the change, published after commit. */;
CREATE INDEX IF NOT EXISTS "idx_outbox_even_publish_210a55" ON "outbox_event" ("published_at", "id");
CREATE INDEX IF NOT EXISTS "idx_outbox_even_aggrega_fed841" ON "outbox_event" ("aggregate_type", "aggregate_id", "version");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "outbox_event";"""


MODELS_STATE = (
    "eJztXWtz4jgW/Ssqvky6ismmyaN7M1tbRQiZZpuEFJCdqelMuYUtwBUjeWw5NDXb/30l+f"
    "0iNjEE3PqSGElXls+VJd17j+S/GwuiIcM+bjuaTvtk1rgEfzcwXCB2kcprggY0zTCHJ1A4"
    "MURhyEsphldsYlMLqpRlTKFhI5akIVu1dJPqBLNU7BgGTyQqK6jjWZjkYP0vBymUzBCdI4"
    "tlfPmTJetYQ9+QzX9+aSBMdbpS6MpE/G7eT11rsJJfGuy+xOK/WJZqIUiRpkDa+JNXYz4p"
    "Ux0ZWuw53aIi3a2TpV3psx6mN6Isb+hEUYnhLHBY3lzROcGBgI4pT50hjCx+S5ZGLYc/OX"
    "8wDyUfDPchwyLu00VkNDSFjkEjSE2UMK2hKHeDsTLqjhWlUQJblWCuF9ZUWwAw4034+Z+t"
    "1unph9bJ6cXH87MPH84/nnxkZUV701kfvruNCdFyqxKY9X7t3Y15gwhTvtsteMJ3IQMpdK"
    "WEEkP0mbp4u1Ma6MyhlY1/KJHQAXu4pA58xNcpwU8ItRB22l2oYQG/KQbCMzpnPy/O1iD8"
    "3/aw86k9PLo4exeH+c7LaYksDngIcOJtKYpyQqyGUJ+2CkB92sqFmmdlQl12QImJvTyuHA"
    "LQOxxaQvjVOcQzZKfB/89ocJcNfUQkAbymqxT8Dxi6vTUFNP41dbAYzMDE0Q2qY/uY3/bf"
    "jS2pZQ3CHCJe88K2/zKi/fzotv178hXo9AdXAjJi05klahEVXCUVEk6/KZ1csxyqL1COXm"
    "KSSdV4osf+xSG+IewBtQE2Vt6kv0Y1495tdzRu397H9HPdHnd5TkukrhKpRxcJnQWVgN96"
    "40+A/wR/DO66STUG5cZ/NHiboEOJgslSgVpkfeKn+qjFtB5dgBUfBKNSG42BXtP2RsE7Gw"
    "L5wnb6lLe4IlZaDzfEQvoMf0YroYseazjEatY879kADzYqMt/vmQq++33MTw2baMFlYAnE"
    "uh57dvbEiIqnZw0Adw/9fkNgPIHq0xJamhIDm+eQFkmkBGXTWYvWIpkCMZwJePhz8FZ7sH"
    "cY1DNirRoZZlmQ11xnlqnRUi9ZZY3xkgADPbNKLgEElJjAlwdHJrTYOkW08B2AWAM6tYE6"
    "1w2NpR83Egp5ZVUvW4HSmttLa078L2Fl+OWleVHAvNDZ/RTHMsoAHJXZHciNba1g4xCfvy"
    "+CMSuVC7LIi6NsE4sqxNJQxsSZO4rEhXZnw51sdzRpvT/7cPbx9OIsGESClHVjR9o0022F"
    "u22eMwaHK0IMBHFO943KJWCdMMFt4eqP3Ls1wq4Gg35skX/VS4zAdw+3V93h0XvRoVkhne"
    "bZwtL0+gFNL8fUNtR6XFJqfV+07mMUUbvX+lDr7nq6tMUdE5Mmd0Umt4tqBTZ31MA7LD0U"
    "tbtjHTBmeA/ZKzHsdcbrDO+o39c1HTO6vyd583mIDJgTNqot3vFBwiKao9IM73gZkO7dWg"
    "5w/M8FaZsOnIFDJ+Rb9xmJ26V8ONHs5jo3DhEFFRSUfNGV0wZsfKEIuAEOQAmAGBOHjTjH"
    "4DdLpxRhsNTpHNC5X6gJTGdi6PYcaQBOKbKAShYLnaadO1VW/ogf8ddnZNms4V+BbgsZOG"
    "PT44zd4icbeHmeVLRGmwDbmfDHnrAyQIUYaBYxH7HmmIbO/U02OLJQeGOBn+36nJ4QMoGw"
    "2Ap6nL40goq8VVLAOPBbG0RLwxR3cPOeQZIQ9tRtRYmpq2XcKoFADR1X1VMQ0i9IYa5HSr"
    "KGgFfvKUyOPyXCcAlJSUfYmI7gD/op/HPBj0jUCffKvIgmXBkEZvTofIJHREQSPGL+DEnw"
    "kP6m5kZexuQ6uIzek7IVaH4/rfF9V3SGY9HVdMq39TbcB9/TkGE2R5wQ+SazGSlUwFr2ig"
    "PoGqD2nJgmMzdtxGxInYKj0f3Du1/Acg4pt1EnxJnNxRXBCJCpYDCMPj/YWbZyVVVzS/ne"
    "0lUELM/+hQarghuz7O1gtwNTfeZYPMlCzL41KatC3NIiS24s86mOFbMBj1YKuSmblJD1iF"
    "k5720B7qvKWsY6NRvBeAv8NSG/BW+Je0v0rKOlDfijWIi9eTYtbEhz74Ej1OWTQgL2fpi1"
    "0LFi8sdNZojHZkOKgyWr/23XumsMap0apQy9QKCG9t3FSRGD+iTfoD5JcRScSWmEozK1Y4"
    "K8bxXBmJXKBVnkxVGOtEyZ00UG72aMvuUMJ1myNUB93eKm+/t4vYERrG36g7tf/eJJqyPB"
    "G1nAkoz+UGI/7D1+v9rYe7aJVGVmEccspZOEmFRM9YoJVkfp6aCLnUUq5hzXTyC9wyHqet"
    "i+GZfE3xW6BOLfIx7cKaNP3f7NJfCvWNrNTZDoXyYX5YVmlIsiE0rSOIvMJxfJ6SRc0KbU"
    "dI1UNm4Z2W9PTC757riCx14F21LWtmiGayC+7nZ6t+0+m5ebrQTbzUf/LDVjcw1uBHFUTk"
    "K8DuKo9ZUCOZ8fG5eSBNmka9u14EvjmhSTwOYAazuL8rB6QhLUHFDh86zkQBsX/OFG2tMS"
    "A630stfZyy6jaMUGrvpG0SRXv25aL8LVjwY8UmpfF59ICNaJH/K2hP3oFundUfb3TRVFOf"
    "uJbvgK1r79lOWwKkNGHz05NUJ6q0T0IZqyMWw+Jk8INzJC6rH85rq4uuWWVGhQ9OXoOgbE"
    "hAx84AkDIdwENmVvmMYD4zzIbc9h6/ziF2ARTi7XePAaPSNrBRwbZcTVK6iUR9TFI7Oytu"
    "2w7KlFFiLwbpCZjrm0hQAEX6dwoRurr8fgnt2Kn9eEZ+JYAyYLKI/cL9n9oMHnrdUj9m+2"
    "QBCLGL+B4BP7fUQsJqUaOj/+wEKmAVeIn37w7lKE6ZdzYiDg3ooTACz0zG6gyRMR9n12aa"
    "6JhLvqTGvg4aF3nY1/KJHQgePo2jGXq2bU26Uu1sDqspvdJVl0sSUeNG4Si/dNmUN7nh3p"
    "yOPqR6WqiXC8bcfeMl1f2qP50B+mZVLEHkXfTJ3VtoHW45I11PqBaLmQs8lbm2yg5rikdC"
    "nutZbdpeMmWo5JSi3vs5aZDVP+oMWIkHQiVeVEcuys46K2dc7ivqmgqPMo0vVijqNOe9Rp"
    "X3ff6phF7kfK8Il47qV8V4jtFXjRATLACHAOHN/zPtGxcGsJYn2wN+AIHc+OAfdb/APcvn"
    "M3z3P3BVliIIgpgnNvU6I+pV0h1Vef4W34Et1RIQh9T2jl8u+lE2IfRqfmGieE0NczNJxy"
    "XNqE2H7wNmu1gTJ4kVJaWUPkj8jUcLdE6/y8gEODlcr1aIi8BJliA1LgGxMC32YNvBEnkM"
    "07/CwnZjNsxL7MEn815odjdmxGw+RzdRrnfAKmX16S2ZJkNoMZXQIehc55IIkYGWuVXGBz"
    "pHcH8/mBwDyBlsrW0GVmuojIRhNdcgyotdd+yUzNOVVmFlxkLPJy+29STI4P8uziTWYxeX"
    "axjD9JPqTUetmzi12nUvnDi2Ny0pFdlSM74uR7pS+7fkfFNpPnF8f64GuokMJ+yP18XSlO"
    "JK+qj7RZrQIJSdPXQkqOAVwSKwuN/HrqAtVWIyWR3pUVMYl3vjWRE9HhjbDkiyGUriBteg"
    "cOi9jG6PPDT7Ybs7jk1Mkm+7NqgjlZgoWjzpsipLH0uZkGmmYcZFxZrYVOPXpy5GeJ92ka"
    "bK6JmLAuS2EJMzooX6elSIW+H4MvFhRxhncJVFNyEt2s3bgI2nmf0H758I9Qep+DSWJFNe"
    "h8vgTexSPuDIbDbmfcG9xdgvD6EV+3b9u/di+B+/8RD4bX3aFy3293uteXIPrLzxt2+932"
    "KMz1fz/iYXf8MLzjOf7VI77pt0eflFG731Xa/f6gw6wolp+VGisbVpWRmJyZirgQqz82Gh"
    "Na7ut9XvkaHGy1gxikhabIQjgrPJYPcUxoWzinpvcdwSyp69KJJL84fYgL59g2ztLIhzJ1"
    "Ws+9rePOIyO+0mlXry21zYTDLux3Oc661KBSAaTy2+nNNyH1cudeI9tJZaEX3VNekZf8Uv"
    "l4FvEIcQcldVyCg0HwzP0hXUL76RKS3zbf5ieiNI2tB3NOMM1Zv4UiNYR4OzRYhlKpPhwI"
    "1M7Er957Eh3NE2sGg8A8+mBEKIHxlEsdYD9eR3UdPFz1u+B+2O30Rj2PTx9YkiKTJ4XkoG"
    "G33U/RNf2JshTOUSkJdBGgiYkwP6xxThyr1LaRlKDcOBJzpFSxcYStWXUevFQsqOmOrZQ5"
    "3TRTdneW+OnJiaR+SupnJuDSf5vft+vrv5XUz7ppPY/6mXJgFqbHZYzAkurV3LL/zEUsz4"
    "kW4PmCJy3k6r3M8/rEiVYQrwI2ljiNT1QD+N4qGxxNiQVMXX1yTHfXOmvZz6pOV8Bf17xL"
    "E72qqzZza3zgMOReeLkn/iDceX85EDPbO2Prda4CoiJyn1Ry7SZn8R9lFpfx330IvIuptT"
    "T0ESkJfmXBd3/+f2343a/nwJRQOAAf6X3ZJ0AlhpYqMP0RKQ1vfKKW4DxkmA0+FyLfYPAP"
    "Uttq5F2uyPdyRW4RIyc4WYDF7snuME7ZeRiNB7fdYcmQQiB3CfwrzmV/GPZEknvxiNmy7O"
    "bmEoh/j7h9fdu7uwTiX9K4LRLtrP5rlkukziFVRKwn463JDymnBOXRHnGss472EJCxhyWb"
    "gR2RrATtAhTyA4abz0FlyT5RGdmhX0LYhLa9JGyVUfYs/5Tglrpz3Yg/WFefSvPXIjK1o/"
    "9sgcH2zNY1luJYRhmQ41K1g/n8fRGaFSuVC7TIk1H5N43KG9Cmivgi0gbO3ZSwPFN+f9y5"
    "6Vi8ZGDkD22H6cWXDIwfUeuVMjBiH/175QlFyU8NHlh3eBMyRhtZujpvZHhUvZzmOp8qDM"
    "vsjVf1R3GpvjK6nu8sfUaWreed+pENbUREbpgpZjfzl6oEwl7xGqL7/uSkiAf55CTfhXyS"
    "cW48pghnLDny9xZERHa/q+BtTIjK9g+UmPqrn8y+/x/N0lfC"
)
