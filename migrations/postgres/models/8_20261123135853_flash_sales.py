from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "flash_sale" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(60) NOT NULL,
    "price" DECIMAL(12,2) NOT NULL,
    "quantity" INT NOT NULL,
    "per_user_limit" INT NOT NULL,
    "starts_at" TIMESTAMPTZ NOT NULL,
    "ends_at" TIMESTAMPTZ NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "version" INT NOT NULL,
    "redis_epoch" INT NOT NULL,
    "returned_quantity" INT NOT NULL,
    "settled_at" TIMESTAMPTZ,
    "published_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "created_by_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL,
    "sku_id" BIGINT NOT NULL REFERENCES "sku" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_flash_sale_status_5d1c3a" ON "flash_sale" ("status", "starts_at");
CREATE INDEX IF NOT EXISTS "idx_flash_sale_status_c77435" ON "flash_sale" ("status", "ends_at");
CREATE INDEX IF NOT EXISTS "idx_flash_sale_settled_e89b77" ON "flash_sale" ("settled_at");
COMMENT ON COLUMN "flash_sale"."status" IS 'DRAFT: DRAFT\nPUBLISHED: PUBLISHED\nCANCELLED: CANCELLED\nENDED: ENDED';
        CREATE TABLE IF NOT EXISTS "flash_sale_buyer" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "held" INT NOT NULL,
    "sale_id" BIGINT NOT NULL REFERENCES "flash_sale" ("id") ON DELETE RESTRICT,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_flash_sale__sale_id_2d11f4" UNIQUE ("sale_id", "user_id")
);
COMMENT ON TABLE "flash_sale_buyer" IS 'Units one shopper holds (reserved + sold) in one sale, for the per-user limit.';
        CREATE TABLE IF NOT EXISTS "flash_sale_reservation" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "token" VARCHAR(32) NOT NULL UNIQUE,
    "quantity" INT NOT NULL,
    "unit_price" DECIMAL(12,2) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "release_reason" VARCHAR(16),
    "expires_at" TIMESTAMPTZ NOT NULL,
    "redis_epoch" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "confirmed_at" TIMESTAMPTZ,
    "released_at" TIMESTAMPTZ,
    "order_id" BIGINT REFERENCES "order" ("id") ON DELETE RESTRICT,
    "sale_id" BIGINT NOT NULL REFERENCES "flash_sale" ("id") ON DELETE RESTRICT,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_flash_sale__sale_id_f7e360" ON "flash_sale_reservation" ("sale_id", "status");
CREATE INDEX IF NOT EXISTS "idx_flash_sale__status_73dbe9" ON "flash_sale_reservation" ("status", "expires_at");
COMMENT ON COLUMN "flash_sale_reservation"."status" IS 'RESERVED: RESERVED\nCONFIRMED: CONFIRMED\nRELEASED: RELEASED';
COMMENT ON COLUMN "flash_sale_reservation"."release_reason" IS 'EXPIRED: EXPIRED\nCANCELLED: CANCELLED\nABANDONED: ABANDONED';
COMMENT ON TABLE "flash_sale_reservation" IS 'Units one shopper holds in one sale: granted by Redis, recorded here.';
        CREATE TABLE IF NOT EXISTS "flash_sale_unit" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "unit_no" INT NOT NULL,
    "reservation_id" BIGINT NOT NULL REFERENCES "flash_sale_reservation" ("id") ON DELETE CASCADE,
    "sale_id" BIGINT NOT NULL REFERENCES "flash_sale" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_flash_sale__sale_id_a0c945" UNIQUE ("sale_id", "unit_no")
);
CREATE INDEX IF NOT EXISTS "idx_flash_sale__reserva_93afd6" ON "flash_sale_unit" ("reservation_id");
COMMENT ON TABLE "flash_sale_unit" IS 'One unit of a sale held by a reservation (reserved or sold); deleted on release.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "flash_sale_unit";
        DROP TABLE IF EXISTS "flash_sale_buyer";
        DROP TABLE IF EXISTS "flash_sale_reservation";
        DROP TABLE IF EXISTS "flash_sale";"""


MODELS_STATE = (
    "eJztXW1347aV/is4/lLPqTtre8ZO1un2HFmWEzWy5JXktmnUw9AUJHFNEQxf7Pi0+e8LgO"
    "8kSAEUJVE0vszQJC5IPRcE78uDi3+frNEcGs7nznxuQ8c5uQH/PjHVNcQH2Utn4ES1rPgC"
    "OeGqzwZtqyYaPTuurWouPr1QDQfiU3PoaLZuuToy8VnTMwxyEmm4oW4u41Oeqf/qQcVFS+"
    "iuoI0v/PwvfFo35/A3SB7u559PPAfaij4nd9IdZQ4Xqme4J/8i7awXZaFDY576FX5Tel5x"
    "3y167lZf9k33nrYlT/KsaMjw1mbc3np3V8iMBHTTJWeX0IS26kJyB9f2yE8jTx6AEP5a/1"
    "fETfzHT8iEDx1D8azE504UZTiaKpPeVFFOBMDTkEmAx4/qq3FJHuFP/315+eXLN5fnX66/"
    "vfr6zTdX355/i9vS581f+uZ3/2FitPyuKGb97/vDKXkghLXra52c+J3KqK7qS1EtxejbUN"
    "MtHZquQs/kNNFdqTZbD3nJjE7wj83qJNRAmVLCE7FW4lG6D7Ws1d8UA5pLd4X//HJZgvjf"
    "OuPuD53x6ZfLT2nYh8GVS3qJKCAG3MIQQQWamv1uEVAEEGeIthDyy6srDsxxq0LQ6TUW6v"
    "T3iSMeie0K7b1OOymwr79yYH39tRBqcimDtI1edVMTmkqSMi0c0fVPIpruvosAHLaX4HKA"
    "O9fJA2iuCMBJmf2BfHJyrBBDV9WNal9BlmwLx/XF+SXP3EyaFQLvX0xDb6iu7npzxvx8by"
    "C1wOZOCmWwXhApDrSDb1xTwC6B9m70dDvogcdxr9uf9EdDcpf1u/OrEV8kp/AJ3aUQjHud"
    "QRZlZC4rwJyUkjjz4Kw+Q0Nk9ogEWjdLX1zzTBfXxZPFdXaqSLjvOYRvETKgaha46CnBDN"
    "LPWHJXUEdn9juSb0ejAR29TjB6b/sZR3z49HDbw/B/So/o0D9PWHY2JJgoKgPzO3zF1dew"
    "wMZLSWZAnwein8ODY/w+4h84H5nGezDLlShk2n/oTaadh8eUVu460x65cpmeaYKzp9lXI+"
    "oE/L0//QGQP8E/R0M6KVnIcZc2vWPcbvrPE/JMqucixURvijpPOHfh2RC1lNY9a15R62lJ"
    "qfWmaD3EKKH24OkTWo8jpfzhz4TQ5hjoMeh3b2FQEoFevDCjoARUhqWGbKgvzR/hO1VFHz"
    "+3yo5SBJH4p6CbI1PB7+EYC8/Gs5atvkUh++TQw78d/2Lof8W6nUm3c9c7oQg/q9rLm2rP"
    "lRTU5Aq6RJkzUdv8pfXlOntGNdUlBYf8CvLMYf5j4UJ7olJo88mR6OJZaXqENFOcsN1uMy"
    "TInscpkvkJvv4ztj9V16PPlPiOy6RJM5Mmprd+Zk0YxW5HLFGP33FYJew4OvSCfxYb3B7G"
    "MTcXp4AOZZscEcKO7P3T8E4ZDQc/3YDEHzNz3Js+jYdKB5/wz5PrmVMnFZTEFUsqiSTl40"
    "jxhFVFTbH0Hv3wce9/n7DN1rsTdMhjQaKN4JDo6q+9bnDSP5qZnb93+tP+8HvF19oNyJwg"
    "UkSH+EyoeXwYnvX78o8qafmcR8vnxVo+z2oZf4scjIHATBdLNPkVrJqbPOdDuAziHMbWCr"
    "mI8Sb9dTIaFqYlA4msw6drLvgPMHRnZ67AyZ8XnqkRGMGzpxuubjqfyf3+sqsoVwngBKGU"
    "rxfifPrQ+UdWBd3B6DbrxJEObnNDHoPhUAtsjTyT5ZFDTV+rRtH4z4tnteTLfw76OcK3oi"
    "yq2+v2HzqD04vLs8tMtCtUztfcK4ANcxu9VoWcIb014kcURq8CuA1fdfimmMgV5PykxFoX"
    "Q9/J/O6DVim6lxGtIbx3POO64dG8fBAXd+Ui7aWiotOyUtPN1jS2geYVFZ0SlXpusp5lMq"
    "74u3mcaRmZjPuIWudJxiWD8vxx9aSUTMcJBthzJrI4/hnBSipo2Af0MBqQueim5KLplJLX"
    "g3AyehT2c2RK4M1GJ6dedjo6O75rAPWDZvjH+Os67nenJ8xZe3+4Nmyq5oU185VKQYufAQ"
    "yfBoMy9kSC76qbkJEquA3E7n8cQ8LVZiZgsoyIAe6rRWOZ4aFvidSYdtKeYfn7Xlg4dFiV"
    "MXHCccfDxlGMsPFuKTmJO6Z5Of5XhjwFuSAJOc0k5PzqqabLXBNXqICkSJuM18uLr998/f"
    "bL9ddIAdGZMtzzHkG1VJzMeXLnPLNTDv/kkRNt0wDes+ObnuCF1JATlWqoywlO83G3dC5S"
    "HOAj0wavi5GbEja7xPHwrSva0DKPIotx7n1vFAvem+vuAC1PWKZ3eK3c6iatFCNotlt7G1"
    "Lbyx9E+FrwZ2h04/ui0FmWdPhGzNVl1reqhX40L48olmghSbT+miqZt4UX5YxYC6Guf+1B"
    "PBMJTSgpMWkGVrbGtZVqLlkRzmIydEKkGWxoctvWsKElBab4DTlOMgQPBSZpgAmEJRJSMh"
    "NflydMQJUZtk3ub2LoCafXdumWdVXbLcqIRNfOytwyDbfaURrk5ygt7rx4vnuV8NKkt9VI"
    "b0vmOurPdTh4vtCYdehK6xwlxfZY5Sgc80db5AgbItgwxL/ZVSxbZ9UKLU8yMcRlumlDuk"
    "ka8sWzSXsNecllb5vWebjs2JoTdt5imTZZCJJF3WboS9xmyffdhu/LzBcTH3F7RCd+Ly0F"
    "NJ5Fm5Qb7mKgl8h+P2EGIYJrZ+VBiESrTTGIk+kbAgZ8xZ3cABW4yAKhPDi1VBuaLn3CT0"
    "A150B3HaCtdGOOz38+yWhjy642p6JlkKORQQ7RzWjkFjQCOU4d30/xbKG62UmZ1pX9uLrg"
    "wRi3KgSZXsvElJDtKgWLuYqt8JTQ/szB893OJrUF6nRHIdyRV8bksKkieSwnQ3WyHvnHDS"
    "DIsNFH1DpP2Mi3p4XjFykxmfevKYDho1qDw5108I5LD7xOd2oAFqxb5llcG7qOjOEvsGq0"
    "fXinJwkbzT3N3XJp7aPfyxHO/wdZXNtFnq1De4A0NXjefBwn0+SsNJzjN1aMZOuNYZ2RCQ"
    "H+5OiU7mhDC/sqYO4RtIAK8D2weU3CMv7rNwd0SQpwVxC3dQlBFku9Ya2ht0/5OE/NffOs"
    "QXBV5yWYNGyoEadLrjJocEjoUBvXNXQCYhIDjnrnug8G9Ar7EeT2IjAnZCTIPCAnJ/Yc0J"
    "sqdaZEW+jKHq/rmo9YJD7m/B/ohJDMvNfluBJQa3Bb7wKbbxp0d2Sq4PVdE0OwURlj30GY"
    "uCp9nCJvw7/O5Wo4UdONfkYHBEJ/cID6qupYxzqe499pjtdQHRfocyN2F87AAtlAWyH8N3"
    "YXiFNgQpVU1AYLG0KATJj3N3Zwj5k5M6fEI0FvQMe9Gg4CbyvVxV0C1XHw6F+TdDX2uV4c"
    "cPrLpDfodafg8+fP4H40Bk+PZB795dMZwGLuG0qIODNTw32YEL8PYInfCnp/B2sk/BFUIP"
    "CSdIjv7eIn0uC2OfBQd6LzalqunqlVekB0gvBYxP/S1FdCSia++BNfcp/0dnubHwtnP6JW"
    "0Q9KicodC5rsBsnEbfE3vF2J25wHJuIo5Ey8/GgZmXCK8D87Jkof1KzjddLS9iyHn7aV75"
    "XyfBm+V9YzLva9wryJEvrkfDme0KmI0i5oQRwc0B09jfu9MaD8NHYKh1+UJ0OTxj3YM/Rf"
    "6e2SF7qpOyuZummy43KEe8V2JpP+90PxrWJDuRsQHs3Mx373x96d8vR4A6LDmXnXG/T/1h"
    "uTptHhzOx2ht3eYEDORofZN42H0npxzcFovch+s2JCK7kkHSLpELUV58Nk3z4WxtLp/BhO"
    "51z3v9yKDdf4B+KfrazzCi+0tYrEW0QlrW39A3RV0VcpEJGvUJNfIewrOcwaqoVvTUJif7"
    "nriyN5TfzcWaUvT0ZUBsKa8h7xrFuxdLqHsmdVUHxWVk6YTZ4wk2EfQUVnRKWem6xny7OX"
    "lbScEpQ6brKOZdKqbd9qntWGkaH1LF5uPS/bImdx3yXXG0Ty+pAKcFxki28+lZSS4FcGvy"
    "nbvn+QLGEJb7yQiSCLtnGzEdj7NNOpogZcJ2E/LQU2OaVywJowQvY3aBtmsvBCmzfYttkE"
    "O1i1vOUadMaK6ZYMbMZa9MwXL4+cIN9rFPZyVB863uGa/L7zFJTYiu91r74iW2evs4munZ"
    "XxvBbJVhzLa5wVsiy69MVRX+EcBDUdWKtkypqW7igRNMztKvFzsuio3FK7sZwtWfirWEHH"
    "GZThSqD4b614DaiUnPRHK/ujsoJ4U/xRWUGcx1ISqiBuxVWftkS1ffWjssCmZ9QmrQ2/N1"
    "RnRbdTZxms0cVyi5U0i/Z33/Fm0zGBHB/ZrkOXCqRXEUBznjgNXdeQKwoOPTeXWaeu7hpC"
    "BcIjgRZWCL8+5+D6X58Xbzid2yyqyq5ccisuOsNwbMUld/Crn/FnYTOE2iKGvtYZFkax55"
    "ITlPgyk5ThlzM/K5RGA1KCLQwGHInzz0XECa0gQRUnxKSCG63gI1yIeTfu3E9PxHTrC90A"
    "+t/MfHy6HfQnP5A1ldEhe6XlzOwN78gZ+l82HM5ji9W/7lIuDaj1Q2bDue4o0ELaSgDSjJ"
    "TcmCUPq+vZJMFbwbhlykqI85tUR2EJURssJSnJ0E3+RFves1F1ZUNWVmq6yZqWGdbiqbO9"
    "GVa52KFtWudZ7BC+sRXWOuRE5VKHykx7uS96I1LrcifpyjtJs6nI8RxRA67tZiLnptMtiM"
    "jP3ju0t2QhRwnzW9JZiwZ0JjyAB9VrHaztCK9x3GVbUcMPu+1GaxFcT6Z+jN8rAYr7Dhgu"
    "/jtZRnOJ3loerovyHLXeyNIm+nJo7cyAgg1WCD87OPVfJTgHfwQOPvMJ6KbfDN/A36aA7A"
    "6ABf5E0pqApjXzzO56uydbH4xV3cFiCNvv4PkdqADrbE43T1AN4Fm4sQtOf1lhBeCuTfDn"
    "//FlyY4HbytdWwUbI7j+DgpkG4SZibvQPJvs7ggsz9ZWqgOdsKRo+Nzx1giW6vjytGMQco"
    "KKueoh/4hS/bJEdcn8aSTzZxVAzBlbDpvLcHLOGSITkrA3FAtJd0iSvI8D+jJPVGXRCIVd"
    "phTr9cj0wO2Qxq8+h0cq2fPbsOd59q3eiwGcdLLKzOCMM8ZlDNsZmcomccJCvQFLWzXJDs"
    "HYBB2TpP0ZCDdyBNjuY+wEVluvXFT0+CVil7OHv1k6BkZyzw/9tS7hnqMX1h7xJdzzUKAe"
    "2tRhVZBiO3255GA7fbksZDuRS5IbvWtLn4SRlCqU/rSg5PXD5LDO8/qPkF2JDY3e+G/i21"
    "yEcjcgPJqZ3dHwvj9+oITK8HBmjnuDXmfit/SPsl/gw9AqbWxsqQ6xQlSHxa7kU1q+l0rK"
    "208u5aT3j8c+3XAkOCgiwXZuO8O7kb+LSXjYDK0lzKP8VFZOUk9JtpA9cbxsiTxJ5shIuk"
    "dkC0jSWTHUx0k/4iGd4V+60O11Nb1nZCWptNkzJzVIqu25kxKVem6yng9Ut7RhGj0QjVBm"
    "zmTm7ENALzNnMnPWTEw3Z85yX8saQOWtetqwzyQvqKJlT4sqp0na4mFpixS0snRtiCpXnt"
    "YLG3NtHk5aE4qeSjOngPL9KB0wke5NsAyR7dMMvwP+aCMEQhB4Iuwtxuu8AeEtTle0Tzxs"
    "wKlPcqRpDxN9ArpPJ1xhzYClp9IcMATqEivUwc9A1tlDw8DPxkEx9PtklMNNPLYi6+E2Nu"
    "sbKjCngmKzM5Zok9lZY8mA1MAXGtt52TZBLP3ZNkMvnar9O1UZrlld+LZzDVIW6vxk26Ry"
    "tL5PxrB2I2et2MqN/MJ6K9DGuyDoc7i2kAtN7V15ge8M8y9B+1Df19B0MbLqHBuVMEsNpP"
    "FgDa0tAjyjhm0iQUevJFzk7KXk39LebKS9aXrrZ1bMophmGEtIniH93WU8wyPkaj32hnf9"
    "4ffKY+enh95QuCZeRvwGZE7MzMdOn5TIw//OzMkP/cdHQgAKDmbm6Gmq3I/Gyl1v0P9bb/"
    "zTDcieIWSvzt1P9Nxjv/vj0yMhfaXPzMygNek7OiTksYfHQW/qk8eCwyJ6UncwooQy/39y"
    "1/snv2xfeJQNHPCMsUueKsqXxVWUL3N8QPy50V+h/a6s8ZcBMWZTvsHG6KbJRawJywwbYR"
    "PKMiMHRLlP435vTFRLD/BQC4aH/38VddXPLct+qwWmXoZok1VUcRa+/soB+fXX4jrjX/Mk"
    "TPwzHVdZYXtaBO+snASbC2xNt3RiYdIzQnBnJff42RP8zjXGwohBszBUUMGTg/1uEXAqIc"
    "/opHVKuLy64vkGX10Vf4TJtXI90N+5jQ6iDnaFf87O3hP89U85lo1edZO17qQY7qRM60Z4"
    "/dOMxlwsVQyvxl4pJaHNQzvXyQOw9qsqhjcpIyHeCLE6n9vQcfCDu6puVPtGlvXROhVcnF"
    "/yzNKkWbHrQy+mFUEIGa43Z2UfDKQWRPySQhmkF0SKA+tmMmWYSwJHT7eDHsAubbc/6Y+G"
    "5C4xJ5heJKfihYLjXmeQRRmZywowJ6Ukzhw4+0WjNLEPY0Jmj9NGd/jTniZvnrm7eOrOBV"
    "C9Zxe5/rpfgSXFSTG5oBgmwc8vKMbGhIY87HhUQTovfBi8d1UPq/bV2yvdsvANlQUUXSef"
    "FZVAlwFdZTDLOYMXXUvV54q6Jm++IMYZSTmIy2C24cIz5yQdv9ZdpsNSijVLXAK+GXBYcW"
    "wzpCXcZXCr8//zHJfwURhJ8r9ORsMiXzwllsVY11zwH2Dozs4Ygid/xorWKAf82dMNVzed"
    "z+R+f9mVkV0CPIGJei/hetLQnD596Pwja2l3B6NbCllioSjp4DajGFpCWDGRKxRUTUu1Li"
    "pyec6XvC/L3udeAWw92zpGjYT0SGJeWecRL961gyncojW39VWkCJCCrsqY1DeUJkiJyhXr"
    "TV6xnqM3CiqbJS813mSN5wirghpnyUuNN1njvgspvm9hLCb122T90kBXtS1IU5JSy03WMq"
    "mD9V6pgFAsJzXcZA0HlOJKb3JWVmq6yZoOzadqld/SslLTjdY0CTMY1TYIz8pKTTda0waq"
    "VuEvJSh13GQdxwmLCmZYSlTqucl6JjVkmIvSCyPLCYn9FV642JEqZXnj/cXt21ve2LPmFb"
    "WelpRab4rWGXNnbndcx0V2hbo1CakWpeNkHdY2Q19SMkiWC+UpYSNWLpTOETWAOgn7Oa4p"
    "hbsEU2Iq3aJcqLpwsXJIPacti4Z2SEctK3uVGpfwlc3HEgGJVkXqkY7aihIhB9QB0iAgGb"
    "QRI8IEqwOjYcAoayNGAeFkS5ge/V7aCpIfbNoSozHtpK0QkdR3DQNpEnTTJpiE6gIyCiu5"
    "qvNSjOrIhFOE/9mM7V3Q4TTorx322u9VKin6pkFROcXIcNhQU1GBUUOuquE2egNk62VtpZ"
    "pLSMt7m4D2dAPeVugMLGy0xke6tgJ+8TXgIv/vM/wfNNm1wuvplmdj52TpfFnF+8BxiuKq"
    "ii+6WbkOWyi7R/b8ZNqZPk2U7g+d4ffim7SmpW9A+u+Z2bm7I/XZ4gaZEzNz0Jn2wvqASl"
    "xmj3k6rMOnTJ663V4vUY8vPpN9SXm4/fUXnSAvvbJdAchMF03e9FXWfdx33UcXbTm6Uh3I"
    "sSXHViJYprnIVmzEqhPPN7jSPTS5cuJJ92kyHT3QwqHBER5E0879Pf2W3d+zKotOfppMew"
    "+4Af2fDMBwaCbK5h681qjo+r32rtzbRcm/IyFVHNMiPcmraFmGnYdX4X8qRD3WpJTMsFfN"
    "sB9og9/GvV1NyLHve/vIpimBNyFcuH9ktEVMbnbZH3WhYbMKL6bJ2TSFKX4AMHwaDA667w"
    "7NkRYFi8ME6qZYcbiae3Oo+O8r1QVvqgOekbdcuWcAH+r+GRKtDY/9q+DU1V2yn6NjQQ2o"
    "5hxYtq5B4Jiq5ayQ63zKB413cQMZPj6q78BZSfiY6lvEb4sEmuxnV3TdrnmCG9fFwY3rfA"
    "k+/B4pLvxNqOJySkj6xzz+sb7GU7ri2YwqfCV7nCSFWofz1QVPmgG3KsSZXsuwZMkOsPSb"
    "wPCay8qVpQVlzUOYVEK+WNmvnmq6zDr4hd/FpEibHKXaIj7EKKtUdzYtKMfuhrEblel18M"
    "wrOk/khWVVQ64ikhVmDKbs/qaOXUFc/67ermebVSFmyEqIZWjw4C5hakujuae5wvCn5aQC"
    "KivAefHEF/1FMhJ4GRRvclAcj9QaMJ34vbQU0fht5ljLF8y7NYD6GPfUUmDT36halvQpNa"
    "zGitb1tW1F1s7TM3R5VlF6Jly7tSk9E3KPNqdnJq66WPwJmcY7sOFatV8cgMyIcv8dcFbI"
    "sqDtABO+Qhs4EAJ3Bdf5NMw2Hcl0y1FZGGcl6ZZnNBfawits38JkyxVXhfurkgr3V4wK95"
    "LV9RFZXR7WVgVaV1JM8rokr+tIwJcurLBhmvULBHlddKKoAdaWE7uS82mzmF2e+4x+K14I"
    "nLhc7j7QhiJLgTt0FS4M1+u6CNv8JvLwKPkM/m6TndJM8Ka7K2LtB43OgOU9G7qzgnNA3U"
    "7gb6qWdyrq7HxmzsxfgkUDvwDdoTLqEn+ll/gWf3BAcC2QSvboIOB4z+RnPxMPRsNezdxG"
    "1syce5aha1jcAac2jG/sV335RAlmLxBavhPE7etEHQXGGvF3zsDPJ9HT+q8d0U90xh+U4a"
    "II6R410z1ykaVrIv5RJNBCB+maZ1v06+JN0a9zW6LnXxBenPOSLQS8/nXZ2flHwDfJSEoT"
    "ubJ/ItfO1Z2ut9R3A6mMEV28jWZCpBlbaJLbtmYLTRn2Kh777Q17Ze1gEb1nZWVN/ebUhf"
    "Y1nYvyHMZ1Dqv9MdzmRCHAYpfZSjTiKpylYrd1bbnEm8WyUYrMd2QRbmDZ6FUP/cVcgSwx"
    "cdHUWlDERPqPzfQfQ92KuDZJmRY6NfVX+kCeq+DbzSGerkSAzsrVA/ZhR/2O/cdwbCo2XE"
    "AbmqxlN5tHdlq6wdWXqg7xy295xvjlt8WDnFzbBL0Cf7N0/FGvYm1t6kyaX00zv5hjAf8+"
    "01GpJ8mM6HC8i/kuankhGzQN7iBuuSZLghgvXdlKolhIrtiCSejzi4g0zyaTkhAzKSmzx7"
    "Wz3eFPuwraZD7mPN/y4k95biH4VuUTt6ydWA3qoPKhINyhWFQ5cWYmyqdGhzPzvtOnJQv9"
    "/7P1CrO+3WFMXbn7e7s/7NoKai/V4qYpSanlJms5sr0qbzPL7kFqvclalzmR4s9me3Micu"
    "PMtmmd8bLnNqSRFGRJQW6KEramIIstTJTbVe19IeKjjTToYDuwkFCcaXFWmiAN24rRikOT"
    "FJjI1ReEZUvJuQaZ5N8Bvp2hw/kZeH6nVN2w9R8cgN5Mn4AL9PkNUIENLUN9z+VSa7/DzN"
    "QdoJrOG7Th3E/HOp5GfjrlAeObhH0CdYlVWZSf/TmVsaP3UcIVj4m8rczQygxtU2etXYet"
    "opdCAOSkTBtB3kWOsHjvLTbG+99v64hz39J/L4b+OD25Iv+9KUy3oBoK254LC6WUGnJRIz"
    "4DjjQn9biJ/RQUgCCVH2iB7tPJ49On78AbKd+tR/W5dYdy2NACN3HA5Mcnh7UqrK6uyZqw"
    "R1oA3A5WepEtzam5ht8WfDuw0JeeTU7ZELxAyyVFLcgtyTaVDqKkbtzMwce2S+UWuuFCe2"
    "bidsHLA/wXFz8ZHuN4XNM9LYPVD+QW5En8W8JXHb45dPtLG+IX0XG5OXxxAo0sR1si+10J"
    "V43Fl9a6GZSozVygP1uhdSmzlxJzTeaKj5Civi4lXbChxqgsfr7b4ufeszDCSZnWleS+4N"
    "o976Jk+7yL/P55iSdTVu6aUdx4Cn8rmE5Ysi1Avcwe6v1jmjKFcstvInNoMBp+HzbPrslh"
    "VJ9nhOCKl0PFEs1YDUXu15rVUHT/hKWNPEtIJxkxqZj6FXN8JKi7ced+Koi/L3QD6H8zcz"
    "RUJj/0Bvc3IDzC5+7vo5PhYdaQP0zsKDaCc2oqpVum5GTN9jK6JdFgJYiTchLiMoiTHlsO"
    "5OKiymkpWac9Vwrf92lFcc2KSWALgHW8tTisgZAEtQBUEoERm2jTgh9upv0iMNHKNegfhU"
    "/pQNXWVgWb2RWHGDJiMrogHF2QibDiL0a7EmGSyNpmrfMQWZPZqZzayxJDGUFJZ62LzhoC"
    "m1eHMKO1m+jqyFTBS2rNDMMteK0L9RXZ2Pzcktl6H3TTIswZzPcatiRJ7W/eRqScF1boWQ"
    "Sidu1BtFOK9Bgu8EdxNUUv0DxhEGpS18/KWDW231Jxo6abuTUmQJaKwQeBMKDCZ8BxEeEe"
    "qw6luDgr9fLq+jtgI1JEeU6oK2TvlXfgOZDBqqmhU8KnoT8Zt3UcD19e2GhNaTcGWuomoJ"
    "ueAhX8slDXuvH+y2fwiG8FTUqEUf07Apfwdt7w/QIq9swMb7aGqkkZPgZUX/Dfp8jGUpqh"
    "Ey62z8LGZ3X30w0l6bytkAGBfytC/7HhK77BnJNUIzktjeS0+OrMa+DpqX/Hxj+WyOjA8/"
    "T5ZyJXz6y3T12UwOozUX0bP2m90x+a9rzp+6asVGfFzlkWkIRSUq2rclV/eRcZ4CiG/jhd"
    "XZ4AR/VqWrWXzmqa1o9Ey1xh48A2qaDmtKRMDjRay77pWEXLKUmp5SZrGfsw4qvsE0IyKl"
    "lXVNJzalljz7kfVdNUwBuNTAw99iZfh1loFKy2Z4dFgnX4pQGRsM3GSMgDMuE7WCISPiDP"
    "/hl0fYs5LM5GVm/TEKLzHcCa1DxyLVzR7VfudkCwQh0xKm7v4gaC63kyC3DkRriNmb/OSs"
    "IUpBi0P5IrVJFOCUoHe6ODnSw/TICrWLo2JS2r1m5CXVatlVVrj7xqLf62Oqyds/gWbMTS"
    "TV4uedK5n/bGyqQz6N2A+HhmDrDLpTx2fnroDac3IPnXzLx7ehz0u6kGuVNZY4lHf5c8s9"
    "Bl8Sx0mZuFjnDNTW2Fhx/Ho25vMvFPRsd8BYmraK/+1TgLVTc8GyplL2JRVicr2QLqZeZl"
    "ubrieVuuropfF3It89X29w9ivDHFezUmRCQLP8vCJ+nrCnHBhJgMCjY5KCizd8WvUnuzd5"
    "Ke3Datc9GT0doiQdRKb3tGVs7qzVF0/v1WFy60FbIgVnzr6qxoJZuoYbo9zNbVsq71AcEP"
    "0hPC8KflpALqynnKwuJ8WU+OwuKMYV4DsIn9gFsKbfrV5gA3/hbWgG+HdDYJ+jquzycvwD"
    "nbQXgF0S4T95OVbhVthh1dOytL3jvJVpvS98Xoim5bLRPhjU2Ea6pt62L10BMiTU6sVE1h"
    "1V5JmrxlL6Sgh+mtn8WgZojuCvI2pb5lTLAY+uOMDvHEBKW3ekBvlVgWFn5xnsVrB+REZc"
    "BGuqzNcFkjpi57qNcALScFumGjmxfY3KudQhc/BRg+DQYH86devBOWK+Wvsy/xooIGG/nP"
    "IxMCUtYXaGj9rJv+DlZkf4Foi4RT+Hn5GZAF3P8FHj7521KRddxkDytaa5NuPeC4SHvJs5"
    "/r775ov6twYwlao/gFvsvtrpoz/5+VeHdUX6+q4YmVB8+INaMUNblte0pRhy9STislexMk"
    "ZFroeO+ETlWlzvGBaxwfEwUarS3VhthbrlRQmiW+NebNtJRqg5x+q/M4FztXYXvJDMy6rA"
    "Z6Uyg8irsiFXWQwbBVCoEtkN4fzFdHAvOzamvYhhb50iVE5Dqf9DcuH+x8ww7nylWWtroW"
    "YQ1nxeT8kB24uqNg705/ZQzdW4QMqJoFLkxSLgPrMxbcFa7hoN7vV+x2NBqkzOPbfrao8N"
    "PDbW98epH5xuUBl2H74rHd3rC9pPK2Tes8VN4gqCTObkvJyYRNXamCRJBvWxpW3NORKYKb"
    "hpUag1sUGdZU262jeG4X99Pm2rkLQ3VWlJa1bTlm0hEnhe0okZL1mLnrMVPfXVuRnaW3Lc"
    "xMuhrA+bJVSdIsWjZUCoJPgljZcBL20xaodpqlTIwuVrYyPfhKspZ0wBtxy43pyx6tHO2/"
    "In5ecfLj0x8cP194Q+o3n+F/3s/ACr2Btaetzmg68S0sEG3AhZvPWtbWK1ehphcv+EwnCz"
    "XJbGUjs5V4yLqqQAgrat8mN6DGuKtBDHWFctoFUM3JSXRZm/t9hNI0xJsZdX+8AcHBzOyO"
    "xuNed9ofDW9AfDwz7zoPne97N8D/f2aOxne9sfI46HRJSZPkX+G1cW/Q60ziq+HfM3Pcmz"
    "6Nh+RKeDQz7wedyQ+0MI7SGQxGpM4NKZXCOJtqG3fFOJn9Mh2GHW4iVyg3EraX5VR48v82"
    "XEBScUsI4pTQ3vj2e4JZsu1lALeOsD32HJA42z4pJWnelcn2kVcjwLKPZNpkzx02aB4Qgb"
    "cMmLdrX6+zLAU8Gnc865XJ9FADpO1m1Scn0WYR6klw74QdpLLhxvBU0GS365JJgNL1fHKR"
    "gcyl/4cMCTUzJET/FzDdw/ZNdqsbY7hjYw/bgwXFWQvst1ikhRDvhoKOURIaw5FA61z8+q"
    "Mnydk8YzMYSC2i7iaEMhgviNQRjuMymvno6XbQA4/jXrc/6QdrWSJPkl4kp2Ji3rjXGeSo"
    "0uGHUgjnpJQEmgdoZEGT1HtYIc8WWrKVE5SLtlKBlDoWbWGbVSfJS8VW57rnKGuxXFVedn"
    "+e+Jfzc0m7lrRrJuAyfls8ttsbv5W067ZpvYh2nQtg8lBTo++VqzovW/Lj7oK+prirIxwO"
    "/MTLOjiX7Qlb8qxbldTBncdjfcSKgrIRnhsiszH3czNv8AdC3FPN94jdBxCpVEK6AWSdrA"
    "NOF8gGlq69eJZfgQQ/2Z803X0H4bzzKU8crK9bZpmTKABNsjqyvslRhId/9VTTxfoVcMSS"
    "InLNa9YXkFbhR7EKJZ+gCUQO+mkVhj4hJcGvjcwRfv+3pXOE/RyZErgJHYnRx1EsUVJkql"
    "JkDrxNPOXQMNyGkFtT7DB4DucKo22YHNIib6RFbiPWXhOcqyIC2X3ujPw0mY4eemPBFFUk"
    "dwPCI7I24mncp6f8g5mJzbL7+xtA/5uZnbuH/vAG0P+yzi1P9rz+7V3foLZSXYXmDoX2ZM"
    "8JyjJNaaxZZZooZPjHompgJyRrQZtjScIRw02+QaLksaSMHNCbELZUx3lD2MpYqc5KBOac"
    "4I6Gc9uIZKauvQjzIRMyraOT7YAR+YrtGlvxbEME5LRU62C+uuCh7eFWhUDTa5LlcVCWh6"
    "E6rmKgpW5WCO7mhOXuuc0J5+a5HZLRUzy1HWcUXzJ6PqLWa2X0BEs3ti121YlXgBzZIODi"
    "qcQ7gG6Lk8BuqUeJlCxeyIfTH7eDR5A810yrqhwhyTWsWg5TwVMxtF8pJnWVxhzHXbYVwH"
    "2SNY8SIBsuyJ4Wiote4LYDa+z3NSVdtQkvodxrcs8cj+yerDiuyir8FCI7MuEU4X84vp9+"
    "h5Owv5Z8IASz1R1o6xqJVuXy1cGVs7KMtRq3aUzO+qMkrLfkLhanorEZ4OhFNfrY0CZE5P"
    "J2vqwEeakEEA6atxDdi/Nznvz8+Xlxgv6cscOa6UKTEdApXgmcENn/GuDDBGhrW+0rEFip"
    "n3r1+/8D6duOfw=="
)
