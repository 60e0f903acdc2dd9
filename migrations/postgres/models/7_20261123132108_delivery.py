from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "courier_state" (
    "on_duty" BOOL NOT NULL,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "reported_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "courier_id" BIGINT NOT NULL PRIMARY KEY REFERENCES "user" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "courier_state" IS 'A courier''s availability and last idle position, for choosing the nearest free one.';
        CREATE TABLE IF NOT EXISTS "delivery_task" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "status" VARCHAR(16) NOT NULL,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "heading" DOUBLE PRECISION,
    "reported_at" TIMESTAMPTZ,
    "distance_remaining_m" INT,
    "eta" TIMESTAMPTZ,
    "version" INT NOT NULL,
    "assigned_at" TIMESTAMPTZ NOT NULL,
    "picked_up_at" TIMESTAMPTZ,
    "finished_at" TIMESTAMPTZ,
    "purged_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "assigned_by_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL,
    "courier_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE RESTRICT,
    "store_id" BIGINT NOT NULL REFERENCES "store" ("id") ON DELETE RESTRICT,
    "order_id" BIGINT NOT NULL UNIQUE REFERENCES "order" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_delivery_ta_courier_96fd4c" ON "delivery_task" ("courier_id", "status");
CREATE INDEX IF NOT EXISTS "idx_delivery_ta_status_f7529a" ON "delivery_task" ("status", "finished_at");
COMMENT ON COLUMN "delivery_task"."status" IS 'ASSIGNED: ASSIGNED\nPICKED_UP: PICKED_UP\nDELIVERED: DELIVERED\nCANCELLED: CANCELLED';
COMMENT ON TABLE "delivery_task" IS 'One courier delivery of one COURIER order.';
        CREATE TABLE IF NOT EXISTS "courier_location" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "heading" DOUBLE PRECISION NOT NULL,
    "recorded_at" TIMESTAMPTZ NOT NULL,
    "task_id" BIGINT NOT NULL REFERENCES "delivery_task" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_courier_loc_task_id_cbd3c9" ON "courier_location" ("task_id", "recorded_at");
COMMENT ON TABLE "courier_location" IS 'One position report during a delivery (deleted after the retention window).';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "delivery_task";
        DROP TABLE IF EXISTS "courier_location";
        DROP TABLE IF EXISTS "courier_state";"""


MODELS_STATE = (
    "eJztXWtz4ji6/isqvkx3HTYnSXcyczJbW0UImWaHQA6QnelttjyOEeATYzG+JJPanf9+JP"
    "luy0YyhhhHX7odWa9snleW3rv+3VqjOTTsk858bkHbbl2Bf7dMdQ3xRfpWG7TUzSa6QRoc"
    "9dGgfdVYp0fbsVTNwc0L1bAhbppDW7P0jaMjE7earmGQRqThjrq5jJpcU//dhYqDltBZQQ"
    "vf+PYv3Kybc/gHJC/37VvLtaGl6HPyJN1W5nChuobT+hfpt3lSFjo05olf4XWl7YrzuqFt"
    "1/qybzq3tC95k0dFQ4a7NqP+m1dnhcyQQDcd0rqEJrRUB5InOJZLfhp5cx+E4Nd6vyLq4r"
    "1+jCZ46QiKRyVqaynKcDRVJr2porQEwNOQSYDHr+qxcUle4S//c37+6dP356efLn+4+Pz9"
    "9xc/nP6A+9L3zd76/k/vZSK0vKEoZv2f+sMpeSGEuetxnTT8SWlUR/WoKJci9C2o6Rsdmo"
    "5CWzKc6K5Ui82HLGWKJ/jHpnkScKCIKUFDxJVolh6CLWv1D8WA5tJZ4T8/nRcg/o/OuPul"
    "M/7w6fxjEvahf+ec3iIMiADfYIigAk3Net0QUAQQZ5A2EPLziwsOzHGvXNDpPRbq9PeJIx"
    "6S7Qvtgy47CbAvP3Ngffk5F2pyK4W0hZ51UxNaSuI0DZzR1S8imu68igAc9JfgcoA718kL"
    "aI4IwHGaw4Hcah0rxNBRdaPcLsiibeC8Pjs951mbSbdc4L2bSegN1dEdd85Yn28NpObI3H"
    "GiFNYLQsWBtr/H1QXsAmhvRg/Xgx64H/e6/Ul/NCRPWb/avxvRTdKEG3SHQjDudQZplJG5"
    "LAFznErizIOz+ggNkdUjJGjcKn12ybNcXOYvFpfppSKmvmcQvkbIgKqZo6InCFNIP2LKfU"
    "Edthx2Jl+PRgM6e21/9l73U4r48OHuuofh/5ic0YF+HpPsLEgwUVQG5jf4jqOvYY6Ml6BM"
    "gT73SU+Ci2PcH/EPnI9M49Vf5QoYMu3f9SbTzt19gis3nWmP3DlPrjR+64f0pxEOAn7pT7"
    "8A8if452hIF6UNsp2lRZ8Y9Zv+s0XeSXUdpJjoRVHnMeUuaA1QS3Dd3cxLcj1JKbleF64H"
    "GMXY7r99jOuRpZTf/Bkj2m4DPQb+HswMSizQiyemFZSAypDUkAX1pfkzfKWs6OP3VtlWCt"
    "8S/+APc2Qs+DOYY0FrtGpZ6ktoso9PPfzb8S+G3i7W7Uy6nZteiyL8qGpPL6o1VxJQkzvo"
    "HKVawr7ZW+vzdbpFNdUlBYf8CvLOgf9j4UBrolJos86R8Ga70D1Cuil20G+/HhJkzSMXyb"
    "yF73/D8qfquPSdYvu4dJrU02liuutH1oKRr3ZEFNXoHW/LhD1bh57wz2KD28M4ZtbiBNAB"
    "bZ0tQliRvX0Y3iij4eDrFYj9MTPHvenDeKh0cIPXTu6nmlolmMRlSyqwJGXtSNGCVYZNEf"
    "UB9fBx738fsMzWuxFUyCNCwg3/kvDq772u3+hdzczOL53+tD/8SfG4dgVSDYSK8BC3BJzH"
    "l0GrN5Z3VYrLpzxcPs3n8mmay3gvsjEGAitdRFHnT7Csb/KUD+EiiDMYb1bIQYwv6e+T0T"
    "DXLelTpBU+XXPAf4Ch23tTBVp/XbimRmAEj65uOLppn5Dn/W1fVq4CwAlCCV0vwPnDXefX"
    "NAu6g9F1WokjA1xnpjwGw6YS2Bq5Jksjh5q+Vo28+Z8lT3PJoz/xxznCr6LIqtvr9u86gw"
    "9n5+3zlLUrYM7nzCeABXMLPZeFnEG9M+JHZEYvA7gFn3X4opjIEYz5SZA1zoa+l/XdA62U"
    "dS9FWoF573jmdc2teVkjLh7KQdpTSUYnaSWn681pLAPNSzI6QSr5XGc+S2dc/r55nG4Z6Y"
    "x7j1znccbFjfL8dvU4lXTHCRrYMyKyOP4pwlIsqNkG+jYckL7ouvii6ZKS5YOwM3oUjHNk"
    "TOD1RseXXrY7Oj2/KwD1nXr4x3h3Hfe70xZz1T4crjVbqnlhTe1SCWjxO4Dhw2BQFD0Ri3"
    "fVTchwFVz7ZLc/jyGJ1WY6YNIREQM8VoPmMkND3xGpMR2kOdPyz4NE4dBpVRSJE8w7nmgc"
    "xQg67zckJ/bEZFyOt8uQtyA3ZEBOPQNyfndV02HmxOUyIE7SJOH1/Ozz959/+HT5OWRA2F"
    "KEe1YjKOeKkz5Pbp9nesnhXzwypE2awAdWfJMLvBAbMqSSDVUpwcl43B2Vi0QM8JFxg1fF"
    "yCwJ21XiaPpWZW1omEaRxjjzvdcqCt6d684ALVss0Tu4Vyx1k16K4Xfbr7wNqezlTSJ8z/"
    "8zELrxc1GgLMtw+Fqs1UXSt6oFejRvHFFE0cAg0eprqqS+Fl6UU2QNhLr63INoJRJaUBJk"
    "UgwsLY1rK9Vcsiyc+cHQMZJ6REOTxzYmGlqGwOR/IccZDMETAhMXwATMEjEq6YmvShMmoE"
    "oP2zb1Nzb1hN1r+1TLuqrl5HlEwnvtIrVMw7325Ab5FrrF7SfXU69iWprUtmqpbUlfR/W+"
    "DhuvFxqzDl1hnaM42QGrHAVz/miLHGFBBAuG+Dc7ysbSWbVCi51MDHLpbtribpKCfP5q0l"
    "xBXsayN43rPLHsWJoTVt4imiZJCDKKusnQF6jNMt53l3hfpr+Y6Ii7IzrxRmkooNEqWiff"
    "cBcDvUTWa4tphPDvtYuNELFe22wQrekLAgZ8xoNcARU4aAMCevBho1rQdOgbfgSqOQe6Yw"
    "NtpRtz3H7SSnFjx6G2u6KlkaOWRg7Rw2jkETQCPk4dP09xLaG62XGaxpX9uDjjwRj3ygWZ"
    "3kvZlJDlKDnJXPlSeILocOLg6X5Xk8oMdbqtkNiRZ8bisK0ieUQnTXWyHvn7NSBIs9F75D"
    "qP2ciTp4XtFwky6fevyIDhoVqBwh1X8I6LD7xKd2IC5uQt8yTXBqojY/oLZI02D+/kImGh"
    "uas5O6bW3nujHOH6/ybJtV3kWjq0BkhT/ffN2nFSXdqF5hyvs2LEe28164xMCPCWo9NwRw"
    "tusK4C5i5BC6gAPwOL18Qs431+c0BTUoCzgrivQwJkMdUL5hp6+Zi181Q8Nk8OgqPaT/6i"
    "YUGNKF0yy6DGJqG3OriupgsQMzDgqE+ue2dAr7AeQR4vAnOMRoLMA3J8Yc8Ava1SZ4K0ga"
    "rs8aquWYtFbDPn36BjRNLzXpXiSkCtQG298WW+qT/ckbGCV3eNTcFaeYw9BWHiqPR18rQN"
    "7z6XqmGHXbfqGR3gE31nA/VZ1TGPdbzGv1Ifr6HaDtDnRqQutMECWUBbIfw3VheIUmBClV"
    "TUBgsLQoBMmNU39vCMmTkzp0QjQS9Ax6MaNgIvK9XBQwLVtvHsXxN3Nda5nmzw4bdJb9Dr"
    "TsHJyQm4HY3Bwz1ZR3/72AaYzHlBMRJ7Zmp4DBPi7wEs8VdBn29jjgQ/ghL4WpIO8bMd/E"
    "Ya3NUHHvBOdF1N0lWztEoNiC4QLivwv9D1FaOSji9+x5c8J73Z2ub7wtmzqJXUgxKk8sSC"
    "OqtB0nGbv4c3y3Gb0cBEFIWMiJedLSMTThH+Z8+B0m8q1vEqaUl5lkNP20n3Smi+DN0rrR"
    "nn616B30QJdHI+H0+gVIRuF7QgCg7ojh7G/d4Y0Pg0tguHn5THQ5PE3T8z9F/J45IXuqnb"
    "K+m6qbPicoRnxXYmk/5PQ/GjYgO6KxBczcz7fvfn3o3ycH8FwsuZedMb9P/RG5Ou4eXM7H"
    "aG3d5gQFrDy/SXxhPSenbJEdF6lt6zooBWcksqRFIhairOb+N9e18YS6XzfSidc93buRUL"
    "rvEPxD9bWWcZnitr5ZE3KJS0svwH6Kiin5JPIj+hOn9CWFeymTVUc7+aGMXhfNdnR/KZeL"
    "6zUjtPilQawuryHfHkrWx0eoayuynB+DStXDDrvGDGzT6CjE6RSj7Xmc8b11qW4nKCUPK4"
    "zjyWTqum7dU82YahoPUoXm49S9sgZfHQJddrFOT1LhlgO8gSP3wqTiXBLw1+XY59fydewo"
    "K48dxIBFm0jTsagX1OM10qKsB1EozTUGDjSyoHrDEh5HCTtmYiCy+0WYFtl0Ow/azlHXPQ"
    "GRnTDZnYjFz01I6XRU4w3msUjHJUGx3vdI3v7zwFJXaK97pVn5Gls/NswnvtojivRbwXR3"
    "qNvUKbDU19sdVnOAd+TQdWlkxR18ITJfyOmVMlvsWLjsojtWsbsyULf+Uz6DiNMlwOFO+r"
    "Fa8BlaCT+mhpfVRWEK+LPioriPNISkIVxDdR1acdUW1e/ag0sMkVtU654Z7ozxBWQ50gX1"
    "INlY99HWSmz+F6gxxoaq/KE3xliJ+xcHL1laRXY2TVOT1gLZVaQHdKDa03BHiaX5C8Hz+a"
    "mtyJfQvpW/IU61os90UCr+muH1krfkHR8ZCimsSEt2XCnouOH2EOyH1veNMf/qTcd77e9b"
    "wJJZIKkiK/AqmGmXnf6d/gZvzvzJx86d/fk7QP/2Jmjh6myu1orPjZIV+vQLplZo57nZuv"
    "tI1klpAMk3RLbqLJ6O5+0JvSRJPgkp1+glsHowltov+Tp94+DG9IS3CVthzwzLHzU445dn"
    "6aO8fOM2echflua7wzIMZqyjfZGMPU+VyBVu/X+3FvMrkC/gVhLk23uwry7rwcpCAB6eG+"
    "DLuqzyhK79UCSy+DtM4sKrkKX37mgPzycy7k5FY6JQP/TNtRVqq9EsE7TSfB5gJb0zc6kT"
    "BFjzPJUjbuzI3qJYwItA2GCip4cbBeN8xTXXmQZwzSOCacX1zw7MEXF/mbMLlXzAf6O3fh"
    "QTjAvvDPyNkHgr/6JWdjoWfdZJ2omw93nKZxM7z6ZUZjnr2dD6/GPnhbQpuFlmQCWjrLQJ"
    "gPb5xGQrwVYnU+t6Bt4xd3VN0ot0cWjdE4FpydnvOs0qRbvupDb8pyCrKcQlNx1lzLIsq4"
    "0MYYozngstEdfj3Q4s2zducv3RkDqvvoIEdlnNp4g+XltWrkxInHyNKxGB7diU9/hBp80a"
    "zGs/muM/hwdt4+TxX7DMD/nDUg6raGXKx4lEE6S/w2eO/rLMeqwbZX+mZDqj0sIGN5Lp7U"
    "KVIJdBHQZSazXDN40d2o+lxR1+TLF8Q4RSkncRHMFly45py449e6w1RYCrFmkUvAtwMOS8"
    "5tBrWEuwhudf5/ru3Qcv9ZqP8+GQ3zdPEEWRpjXXPAf4Ch23sLlWr9FTNaowewPbq64eim"
    "fUKe97d9CdkFwBOYqPYSBNoG4vSHu86vaUm7OxhdU8hiEbRkgOsUYx7dV2gpJnKEjKpJqs"
    "ZZRc5P+Zz3Rd77zCcQJLaFBcFEqoixiRuUFl5ZcaQAqRK1xFKksqxGfeorMGL50+GNgsxm"
    "0UuO15njmYBVQY6z6CXH68xxT4UUL44UkUn+1pm/1NBVKgsvSSm5XGcuk3zC11JVkiM6ye"
    "E6c9gPKS71JadpJafrzOlAfCqVOZ2ilZyuNaeJmcEwynE6RSs5XWtOG8gux+Y4oeRxnXkc"
    "OSxKiGEJUsnnOvNZVtpvVWpMlmVi3mGZGFmxuWlcZ6ydmYrNb1SotmaboawL9A6gl3WB9l"
    "QXqB4Vamu2pPCCylGgNr8kUMxNuHAwc2zVgDtWUO2QgSZ4nAZN5MS8hM/seCwRkGhVpB4Z"
    "qKkokeCAKkAa+EEGTcSIRIJVgdHQjyhrIkZ+wMmOMN17ozQVJM/YtCNGYzpIUyEiru8KJt"
    "LEH6ZJMAnVBWQUVnJU+ykf1aCG+HZsb/wBp/54zZDX/ixTSdETDfLKKYaCw5aaigoMO24t"
    "AI45BCz0AjbQAtpKNZcQoAVQTUBHugIvK9QGCwut8ZWurYBXfA04yPu7jf+DZrZYeHXDMi"
    "o8Zso4xku0yzLib2ynyK+q+KSbpeuwBbQHjJ6fTDvTh4nS/dIZ/uRXtRMoxJakvgLJv2dm"
    "5+aG1GeLOqQaZuagM+0F9QGVqMweszmow6dMHrrdXi9Wjy9qSX+kPLH91RedIB+9slsByN"
    "QQpabEYXYRWffx4HUfHbTj7EoMIOeWnFsxY5nmIEuxkJGT/rV9ciVHqHPlxFb3YTId3dHC"
    "of4VnkTTzu0t3ctub1mVRSdfJ9PeHe5A/ycTMJiasbK5b15rVDR/r7mZe/so+XckQRXHlK"
    "Qn4yoa5mHniavwtgrh05BjVNLDXtbDXpeTYN8N+AU+9pwzCoX9waVPKaypgbHNe04h8/gd"
    "uk4cLnShZqsKL6bx1VT4kFIh+3oZazH1keYZiwMH6jZbcZDNvd1U/MtKdcCLaoNH5C5XTh"
    "vgS91rIdba4Nq7Cz44umPgUewN1IBqktMidQ0C21Q39go59ses0XgfD5Dm46PaB9oF5mPK"
    "bxG9LSSos55dUnW75DFuXOYbNy6zJfjwd6Q48A+hissJIqkf8+jH+hov6YprMarwFZxxEi"
    "dqHM4XZzxuBtwrF2d6LxUla+qOQvcEhtZcVK4sSShrHsI4E7LFyn53VdNh1sHP3RfjJE1S"
    "lCqz+BChrFTd2SShnLtb5m5YptfGK6/oOpElllUNuYpIllgxmLSHWzr2BXHV64YFHdcyy0"
    "LMoJUQS9Pgm6uE8kj62jDAfnLFk/5CGgm8NIrX2SiOZ2oFmE68URqKaPQ1c+Ty+etuBaDe"
    "RyM1FNjkHlVJSp9SQTZWmNfXtIysvbtnaHpWnnsmyN3a5p4JYo+2u2cmjrpY/AWZxiuw4F"
    "q1nmyAzDDk/kdgr9BmAy0bmPAZWsCGEDgruM66YXYZSLpbjkrCaBe4Wx7RXOgIr6B/A50t"
    "F1wV7i8KKtxfMCrcy6iu9xjV5WJulQjripPJuC4Z13Uk4EsVVlgwTesFgnFddKGoANaGB3"
    "bF19N6RXa5ziP6Iz8ROHa7WH2gHUVSgTs0CxcG+boOwjK/iVw8S07ALxY5Kc0EL7qzItK+"
    "36kNNu6jodsrOAdU7QTeoWpZpaLKwWfmzPzNTxr4Deg2pVGXeJde4kd8ZwP/nk8VH9FGwH"
    "Yfyc9+JBqMhrWauYU2M3Pubgxdw+Q2+GDB6MFe1ZePNMDsCcKNpwRx6zrhQL6wRvSdNvjW"
    "Ct/W++wIf8IWb1IGSRFSPaqneuSgja6J6EchQQMVpEueY9Ev8w9Fv8wciZ79QHhxzlI2EP"
    "Dq87LT64+AbpKilCJyaf1E5s5V7a7fqK8GUhkzOv8YzRhJPY7QJI9tzBGa0uyVP/eba/ZK"
    "y8EifE/Typr69akL7XE6Y+V5G9U5qPbHUJtjhQDzVeZNrBNX4SwVq63rjUO0WUwbusg8RR"
    "bhDhsLPeuBvpgpkCVGLupa84uYSP2xnvpjwFsR1SZO00ClpvpKH8h1FPy4OcTLlQjQabpq"
    "wH7bWb9n/TGYm4oFF9CCJivtZvvMTlLXuPpS2Sl+/gPPHD//IX+Sk3vboFfgHxsdb+plpK"
    "1tg0nxq27iF3Mu4N9n2irVJJkWHY5vMTtEJR9kjZbBPdgt1yQliPHRFWUSRUQyYwvGoc8m"
    "EWmuRRYlocikOM0Bc2e7w6/7MtqkNnOevTx/K88kgu9UPnHH2onloPYrHwrCHZCFlRNnZq"
    "x8ang5M287fVqy0Ps/Xa8wrdu9jagrT39v9sauraD2VM5umqCUXK4zl0PZq/Qxs+wRJNfr"
    "zHXpE8nfNpvrE5EHZzaN64yPPXMgjQxBliHIdWHCziHIYomJ8riqgyci3ltIgzaWA3MDil"
    "M92oUO0qCvWFhxIJICEzn6gkTZ0uBcgyzyrwA/ztDhvA0eX2mobtD7OxugF9MLwAX6/Aqo"
    "wIIbQ33N+FIrf8LM1G2gmvYLtODcc8farkZ+Oo0Dxg8JxgTqErMyzz/7LeGxo89RgozHmN"
    "9Wemilh7auq9a+zVbhRyEAcpymiSDvw0eYf/YWG+PDn7d1xL5vqb/nQ3+cmlye/l6XSDe/"
    "GgpbngsKpRQKcmEnPgGOdCf1uIn85BeAIJUfaIHuD5P7h48/ghdSvlsP63PrNo1hQwvcxQ"
    "aTnx9sVlZYVUOTnLB7WgDc8jO9yJHmVFzDXwt+HFjoS9ciTRYET3DjkKIW5JHkmEob0aBu"
    "3M3G15ZD6Ra64UBrZuJ+/scDvA8Xvxme43he0zMt/ewH8gjyJt4j4bMOX2x6/KUF8YdoO9"
    "wxfJEDjaSjLZH1qgRZY9GttW76JWpTN+jPVmhdyvSt2FqTuuMhpKjPSxkuWFNhVBY/32/x"
    "c/dRGOE4TeNKcp9xnZ53VnB83ln2/LzYmykrZ80objyFf+QsJyzaBqBeJA/1fp0mRKFM+k"
    "0oDg1Gw5+C7umcHEb1eYYJLj8dKqKoRzYUeV5jsqHo+QlLC7kbIZ6kyCRjqmfM8QVB3Yw7"
    "t1NB/D2iK0D/m5mjoTL50hvcXoHgCrfd3oaNwWVakH8b21EkBGfYVBhumaCTNduLwi0JB0"
    "tBHKeTEBdBHNfYMiDnF1VOUsk67ZlS+J5OK4prmkwCmwOs7a7FYfWJJKg5oBILjNhCmyR8"
    "dyvtJ4GFVuagv5d4ShuqlrbKOcwu38SQIpPWBWHrgnSE5e8YzXKEyUDWJnOdJ5A17p3KsL"
    "3IMZQilOGsVYWzBsBm2SEc0dqNDXVkrOANak1Nwx3iWhfqM7Kw+LljZOutP0yDMGdEvldw"
    "JEnifPMmImU/sUzPIhA16wyivYZIj+ECb4qrKXqCZosRUJO43y6KqrG8nooTdt0eW2MCtF"
    "Ex+MAnBpS4DWwHkdhj1aYhLvZKPb+4/BFYiBRRnpPQFXL2yitwbciIqqlgUBJPQ38y7mvb"
    "Lr69sNCaht0YaKmbgB56ClTw20Jd68brbyfgHj8KmjQQRvWeCBwSt/OCn+eHYs/M4GFrqJ"
    "o0wseA6hP++wOyMJVm6CQW24vCxq268/GKBum8rJABgfcoEv5jwWf8gDlnUI2MaallTIvH"
    "ziwHHh76N2z8I4oUD1xXn58QumpWvUPyogBWLxLVk/Hj0jv9oUnNm35vykq1V2yfZU6QUI"
    "KqcVWuqi/vIg0c+dAfp6rLY+AoX02r8tJZdeP6kXCZy2zsyyYl2JyklM6BWnPZEx3LcDlB"
    "KblcZy5jHUY8yz5GJK2SVVklXbuSHHvO86jqxgJea2Rs6rEP+XqbRCM/255tFvHz8AsNIk"
    "GfrZaQO2TCV7BExHxA3v0EdD2JOSjORrK3qQnR/hFgTmouuRdkdHuVu23gZ6gjRsXtfTxA"
    "MJ8nlYAjD8KtzfrVLjBTkGLQ3kwuUUU6QSgV7K0Kdrz8MAGuZOnaBLWsWrsNdVm1VlatPf"
    "KqtXhvtVknZ/ElbETUdU6XbHVup72xMukMelcgup6ZA6xyKfedr3e94fQKxP+amTcP94N+"
    "N9Eh05QWlnj4d86zCp3nr0LnmVXoCHNuKis8fD8edXuTidcYXvMVJC7DveqzcRaqbrgWVI"
    "o+xDyvTpqyAaGXqY/l4oLna7m4yP9cyL3Uru2dH8T4YvLPaoyRyCj8dBQ+cV+XsAvGyKRR"
    "sM5GQem9y/+Umuu9k+HJTeM6V3gyWm+IEbXU156ilat6fRid/b7VhQMthSTEih9dnSYtJR"
    "PVjLdvc3S1rGv9huD77glh+JN0kgFV+TxlYXE+rydHYXHGNK8A2Nh5wA2FNvlpc4Ab7YUV"
    "4Nshg038sY5r++QFOCM7CGcQ7dNxP1npm7zDsMN77SLnvR3vtc19n4+u6LHV0hFeW0e4pl"
    "qWLlYPPUZSZ8dKWRdW5ZWkyVf2RAp6mO76UQxqBum+IG+S61vaBPOhP07rEI9NUGqrb6it"
    "Esligz+cR/HaARlSabCRKms9VNYwUpc91SuAljMEumazmxfYzKedQBe/BRg+DAZvpk89uS"
    "2WKuXl2RdoUX6HrfHPIxMCUtYXaGj9qJveCVbkfIHwiIQP8GR5AkgC93+Du4/esVQkj5uc"
    "YUVrbdKjB2wHaU/Z6Ofqh8877yo4WILWKH6Cr/K4q/qs/+0C7Y7y61k1XLHy4CmyepSiJo"
    "9tTinq4EPKcKXgbIIYTQMV772EU5Wpc/zGNY6PKQQarTeqBbG2XKqgNIt8Z8zrKSlVBjnd"
    "q7M45ytXQX8ZGZhWWQ30olB4FGdFKuoggyGr5AKbQ304mC+OBOZH1dKwDC2y08VIZJ5Pco"
    "/LGjtfsMK5cpSlpa5FoobTZHJ9SE9c3Vawdqc/M6buNUIGVM0cFSZOl4L1ERPuC9dgUh92"
    "F7sejQYJ8fi6ny4q/HB33Rt/OEvtcVnApdk+f24312wvQ3mbxnWeUF7fqCQe3Zagkw6bql"
    "wFMSPfrmFY0UhHxgjuMKzEHNyhyLCmWk4VxXO7eJwm186VVYa5qwxTjVRbkfOSdy03TIYa"
    "wPmyUa6/NFoWVHJMKoJYWXASjNMUqPbqe4vNLpYPLjn5CnxxdMIbUc+tTrkerYfsfSKet2"
    "zy88N3tucFuyJVidv4n9c2WKEXsHa1VZs6yV6CsscGXDhZX1xlo3KVH3py/c0nXn5I+uBq"
    "6YPDU9ZRBQwzYf8mCbcVWhMNIn4qNFJbANUMnUSXdWTdeyi4QmT0UffnK+BfzMzuaDzuda"
    "f90fAKRNcz86Zz1/mpdwW8/2fmaHzTGyv3g06XFOqI/xXcG/cGvc4kuhv8PTPHvenDeEju"
    "BFcz83bQmXyh5V6UzmAwItVbSAEQRmuibzQUozG9M71NzLOJHCGLf9BfFgnh8WpbcAFJHS"
    "khiBNEB4siPxDMMoZcmiWrMEZjzQGJx5DHqWTwcukQ8lCrEYgdD2maJM+9rSnYD2/d0Qzc"
    "rNOq2unA5nDe8WThkuWhAkibHSseX0TrFSZOjHsttpHKglvNU36X/WbbEgOl43ohMwYyl9"
    "4f0iRUT5MQ/V9AdA/611mtro3gjoU9LA/mlBzNkd8ikgZCvJ/AaoyS0BwOCRqn4ldvPYmv"
    "5imZwUBqXkBqjCiF8YJQHeE8LgqeHj1cD3rgftzr9id9P0Mj1CTpTdIUhZuNe51BJgA42C"
    "iFcI5TSaB5gEYbaJIqBivkWkKJSBlCmYqUMKRUkYqEZVadOC8VS53rrq2sxXxVWdrDaeKf"
    "Tk9lMLEMJmYCLu23+XO7ufZbGUzcNK7nBRNnDJg8AZfhfuWo9tOO8XE3/lhTPNQRTgf+wM"
    "sqYi6bY7bkycaUoYN7t8d6iOUZZUM8t1hmo9jP7XGDX0jgnmq+htF9AJH6G2QYQLI/bfBh"
    "gSyw0bUnd+PV1cBv9hdNd15BsO58zAYOVjcss3hHaIAmXh1ZteMozMO/u6rpYP4KKGJxEp"
    "nJmdYFpFT4XqRCGU9Qh0AOurUKQx+jkuBXFswR7P+7hnME4xwZE7gDOmKzj6MEoAyRKRsi"
    "88aHn9MYGobaEMTW5CsMwZn3e43kkBJ5LSVyC7FOUODMivBpD3ne78NkOrrrjQVdVCHdFQ"
    "iuSG7Ew7hPm7yLmYnFstvbK0D/m5mdm7v+8ArQ/9LKLY/3vPpDS1+gtlIdhfoOhU4azxDK"
    "4kNJrFnFhyhk+MeicmDHKCtBmyMl4YjhJnuQaPBYnEZO6G0Ib1TbfkFYylip9koE5gzhnq"
    "Zz0wLJTF17Eo6HjNE0LpxsDxGRz1iusRTXMkRATlI1DuaLM56wPdwrF2h6T0Z5vGmUh6Ha"
    "jmKgpW6WMO5miOWZsPUx52ZjO2RET/7SdpxWfBnR8x65XmlEj5+6sWuxq06UAXJkk4ArTi"
    "U613JXnATOAD1KpGRJPj6c/ms3eASD5+opVRUjJGMN6xtreJQAWXBBDhpQHPQEzR2BGntj"
    "TclQTcJLyHUYP8jEJUfaKrajsuoWBciOTDhF+B+O5d8bcBKM15D1TdDZ2oGWrq1aDHerf6"
    "dd5HBVoz61cbm+F3/rjqF3+Z5UvIvZel6JOTa0MRKZnc1nVCcflQDCfvcGont2esrjXj49"
    "zfcvnzKOvTIdaDLsEfmJrDGSw6ewvo19sbJkVQG7QPWRQ3/+Px1hDb4="
)
