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
        DROP TABLE IF EXISTS "courier_location";
        DROP TABLE IF EXISTS "delivery_task";
        DROP TABLE IF EXISTS "courier_state";"""


MODELS_STATE = (
    "eJztXWtT4zi6/iuqfFm6DssBumHmMFtbFUKYyU4gnCTsbG9ny2McJfHBsTy+wFC789+PJN"
    "9t2ZEcJzhGX7qNrFd2nleW3rv+3VmjOTSck+58bkPH6VyBf3dMdQ3xRfbWMeiolhXfIA2u"
    "+mTQvmqi05Pj2qrm4uaFajgQN82ho9m65erIxK2mZxikEWm4o24u4ybP1H/zoOKiJXRX0M"
    "Y3vv0LN+vmHP4Oyct9+9bxHGgr+pw8SXeUOVyonuF2/kX6Wc/KQofGPPUr/K60XXHfLNp2"
    "rS8HpntL+5I3eVI0ZHhrM+5vvbkrZEYEuumS1iU0oa26kDzBtT3y08ibByCEv9b/FXEX//"
    "UTNOFLx1A8KXFbR1HuR1Nl0p8qSkcAPA2ZBHj8qj4bl+QV/vw/5+efP393fvr58vuLL999"
    "d/H96fe4L33f/K3v/vBfJkbLH4piNvhxcD8lL4Qwd32uk4Y/KI3qqj4V5VKMvg013dKh6S"
    "q0JceJ3kq12XzIU2Z4gn9slichB8qYEjbEXIln6T7YslZ/VwxoLt0V/vPzeQnif++Oez91"
    "x0efzz+lYb8P7pzTW4QBMeAWhggq0NTsN4uAIoA4g7SFkJ9fXHBgjnsVgk7vsVCnv08c8Y"
    "hsV2jvddlJgX35hQPryy+FUJNbGaRt9KKbmtBSkqRp4YyufxHRdPdNBOCwvwSXA9y5Tl5A"
    "c0UATtLsD+RO51Ahhq6qG9V2QRZtC+f12ek5z9pMuhUC799MQ2+oru56c8b6fGsgtUDmTh"
    "JlsF4QKg60gz2uKWCXQHszerwe9sHDuN8bTAaje/KU9ZvzmxHfJE24QXcpBON+d5hFGZnL"
    "CjAnqSTOPDirT9AQWT0igtat0meXPMvFZfFicZldKhLqew7ha4QMqJoFKnqKMIP0E6bcFd"
    "RRy35n8vVoNKSz1wlm7/Ugo4jfP95d9zH8n9IzOtTPE5KdDQkmisrA/AbfcfU1LJDxUpQZ"
    "0OcB6Ul4cYj7I/6B85FpvAWrXAlDpoO7/mTavXtIceWmO+2TO+fplSZoPcp+GtEg4JfB9C"
    "dA/gT/HN3TRclCjru06RPjftN/dsg7qZ6LFBO9Kuo8odyFrSFqKa571rwi19OUkutN4XqI"
    "UYLtwdsnuB5bSvnNnwmizTbQQ+Dv3sygxAK9eGZaQQmoDEkN2VBfmj/DN8qKAX5vlW2lCC"
    "zxj8EwB8aCP8I5FrbGq5atvkYm++TUw78d/2Lo72K97qTXvel3KMJPqvb8qtpzJQU1uYPO"
    "UaYl6pu/tT5fZ1tUU11ScMivIO8c+j8WLrQnKoU27xyJbh6XukdIN8UJ++3WQ4LseewimX"
    "fw/W9Y/lRdj75TYh+XTpNmOk1Mb/3EWjCK1Y6Yoh69432ZsGPr0DP+WWxw+xjH3FqcAjqk"
    "bbJFCCuyt4/3N8rofvj1CiT+mJnj/vRxfK90cYPfTu5nmjoVmMRlSyqxJOXtSPGCVYVNMf"
    "Ue9fBx/38fsczWvxFUyGNCwo3gkvDqb/1e0OhfzczuL93BdHD/o+Jz7QpkGggV4SFuCTmP"
    "L8NWfyz/qhKXT3m4fFrM5dMsl/Fe5GAMBFa6mKLJn2BV3+QpH8JlEOcwtlbIRYwv6W+T0X"
    "2hWzKgyCp8uuaC/wBDd3amCnT+svBMjcAInjzdcHXTOSHP++uurFwlgBOEUrpeiPPRXfcf"
    "WRb0hqPrrBJHBrjOTXkMhkMlsDXyTJZGDjV9rRpF8z9PnuWST38SjHOAX0WZVbffG9x1h0"
    "dn58fnGWtXyJwvuU8AC+Y2eqkKOYN6a8QPyIxeBXAbvujwVTGRKxjzkyJrnQ19J+u7D1ol"
    "616GtAbz3uHM64Zb8/JGXDyUi7TnioxO00pON5vTWAaaV2R0ilTyucl8ls644n3zMN0y0h"
    "n3EbnO44xLGuX57epJKumOEzSw50RkcfwzhJVY0LAN9H04IH3RTfFF0yUlzwdhZ/QoHOfA"
    "mMDrjU4uvWx3dHZ+1wDqB/Xwj/HuOh70ph3mqr0/XBu2VPPCmtmlUtDidwD3j8NhWfREIt"
    "5VNyHDVXAdkN3+PIYkVpvpgMlGRAzxWC2aywwNfUukxnSQ9kzLP/YShUOnVVkkTjjveKJx"
    "FCPsvNuQnMQT03E5/i5D3oLckAE5zQzI+c1TTZeZE1fIgCRJm4TX87Mv3335/vPll4gBUU"
    "sZ7nmNoJorTvo8uX2e2SWHf/HIkbZpAu9Z8U0v8EJsyJFKNtSlBKfjcbdULlIxwAfGDV4V"
    "I7ckbFaJ4+lbl7WhZRpFFuPc996oKHhvrrtDtOywRO/wXrnUTXopRtBtt/I2pLKXP4nwve"
    "DPUOjGz0WhsizD4RuxVpdJ36oW6tG8cUQxRQuDROuvqZL5WnhRzpC1EOr6cw/ilUhoQUmR"
    "STGwsjSurVRzybJwFgdDJ0iaEQ1NHtuaaGgZAlP8hRxmMARPCExSABMwSySopCe+Lk2YgC"
    "o9bJvU38TUE3av7VIt66m2W+QRie4dl6llGu61IzfIt8gt7jx7vnqV0NKkttVIbUv6Our3"
    "dTh4vdCYdehK6xwlyfZY5Sic8wdb5AgLIlgwxL/ZVSxbZ9UKLXcyMcilu2mDu0kK8sWrSX"
    "sFeRnL3jau88SyY2lOWHmLadokIcgo6jZDX6I2y3jfbeJ9mf5ioiNuj+jEH6WlgMaraJN8"
    "wz0M9BLZbx2mESK4d1xuhEj02mSD6ExfETDgCx7kCqjARRYI6cGRpdrQdOkbfgKqOQe66w"
    "BtpRtz3H7SyXBjy6E2u6KlkaORRg7Rw2jkETQCPk4dP0/xbKG62Uma1pX9uDjjwRj3KgSZ"
    "3svYlJDtKgXJXMVSeIpof+Lg6W5Xk9oMdbqjkNiRF8bisKkieUwnTXWyHvnHNSBIs9FH5D"
    "qP2ciXp4XtFyky6fevyYDho1qDwp1U8A6LD7xKd2oCFuQt8yTXhqojY/oLZI22D+/0ImGj"
    "uae5W6bWPvijHOD6/y7JtT3k2Tq0h0hTg/fN23EyXY5LzTl+Z8VI9t5o1hmZEOAtR6fhjj"
    "a0sK4C5h5BC6gAPwOL18Qs439+c0BTUoC7grivSwJkMdUr5hp6/ZS389Q8Nk8Ogqs6z8Gi"
    "YUONKF0yy6DBJqH3OriuoQsQMzDgoE+u+2BAr7AeQR4vAnOCRoLMA3JyYc8BvalSZ4q0ha"
    "rs4aqueYtFYjPn36ATRNLzXpfiSkCtQW29CWS+aTDcgbGCV3dNTMFGeYx9BWHiqvR1irQN"
    "/z6XquFEXTfqGV0QEP3JAeqLqmMe63iNf6M+XkN1XKDPjVhdOAYLZANthfDfWF0gSoEJVV"
    "JRGyxsCAEyYV7f2MEzZubMnBKNBL0CHY9qOAi8rlQXDwlUx8Gzf03c1VjnenbA0a+T/rDf"
    "m4KTkxNwOxqDxweyjv766RhgMvcVJUicmanhMUyIvwewxF8Ffb6DORL+CEoQaEk6xM928R"
    "tpcFsfeMg70XU1TVfP0io1ILpAeKzA/1LXV4JKOr74HV/ynPR2a5sfC2ffolZRD0qRyhML"
    "mqwGScdt8R7eLsdtTgMTURRyIl5+toxMOEX4nx0HSr+rWMerpKXlWQ49bSvdK6X5MnSvrG"
    "ZcrHuFfhMl1Mn5fDyhUhG5XdCCKDigN3ocD/pjQOPT2C4cflIeD00a9+DM0H+lj0te6Kbu"
    "rKTrpsmKywGeFdudTAY/3osfFRvSXYHwamY+DHo/92+Ux4crEF3OzJv+cPD3/ph0jS5nZq"
    "973+sPh6Q1usx+aTwhrWeXHBGtZ9k9Kw5oJbekQiQVorbi/D7et4+FsVQ6P4bSOdf9nVux"
    "4Rr/QPyzlXWe4YWyVhF5i0JJa8t/gK4q+ikFJPITavInhHUlh1lDtfCrSVDsz3d9diCfie"
    "87q7TzZEilIawp3xFP3oql0zOUPasC47O0csFs8oKZNPsIMjpDKvncZD5bnr2sxOUUoeRx"
    "k3ksnVZt26t5sg0jQetJvNx6nrZFyuK+S643KMjrQzLAcZEtfvhUkkqCXxn8phz7/kG8hC"
    "Vx44WRCLJoG3c0AvucZrpU1IDrJBynpcAml1QOWBNCyP4mbcNEFl5o8wLbNodgB1nLW+ag"
    "MzKmWzKxGbnomR0vj5xgvNcoHOWgNjre6Zrc33kKSmwV73WrviBbZ+fZRPeOy+K8FsleHO"
    "k1zgpZFk19cdQXOAdBTQdWlkxZ19ITJYKOuVMlviWLjsojtRsbsyULfxUz6DCNMlwOFP+r"
    "Fa8BlaKT+mhlfVRWEG+KPioriPNISkIVxK246tOWqLavflQW2PSK2qTccF/0ZwirkU5QLK"
    "lGyseuDjLT53BtIRea2pvyDN8Y4mcinFx9I+nVGFl1Tg9Yy6QW0J1SQ2uLAE/zC9L3k0dT"
    "kzuJbyF7S55i3YjlvkzgNb31E2vFLyk6HlHUk5jwvkzYcdHxA8wBeejf3wzuf1Qeul/v+v"
    "6EEkkFyZBfgUzDzHzoDm5wM/53Zk5+Gjw8kLSP4GJmjh6nyu1orATZIV+vQLZlZo773Zuv"
    "tI1klpAMk2xLYaLJ6O5h2J/SRJPwkp1+gluHowltov+Tp94+3t+QlvAqazngmWPnpxxz7P"
    "y0cI6d5844i/Ld1nhnQIzVlG+yMYZp8rkCnf4/Hsb9yeQKBBeEuTTd7irMu/NzkMIEpMeH"
    "KuyqP6Mou1cLLL0M0iazqOIqfPmFA/LLL4WQk1vZlAz8Mx1XWanOSgTvLJ0EmwtsTbd0Im"
    "GKHmeSp2zdmRv1SxgxaBaGCip4cbDfLOaprjzIMwZpHRPOLy549uCLi+JNmNwr5wP9ndvw"
    "IBpgV/jn5Ow9wV//kmPZ6EU3WSfqFsOdpGndDK9/mdGYZ28Xw6uxD96W0OahJZmAts4yEB"
    "bDm6SREG+EWJ3Pbeg4+MVdVTeq7ZFlY7SOBWen5zyrNOlWrPrQm7Kcgiyn0FacNc+2iTIu"
    "tDEmaPa4bPTuv+5p8eZZu4uX7pwB1XtykasyTm28wfLyWjUK4sQTZNlYDJ/uJKA/QA2+bF"
    "bj2XzXHR6dnR+fZ4p9huB/yRsQdUdDHlY8qiCdJ34fvHd1lmPdYDsr3bJItYcFZCzP5ZM6"
    "QyqBLgO6ymSWawYvupaqzxV1Tb58QYwzlHISl8Fsw4Vnzok7fq27TIWlFGsWuQR8M+Cw4t"
    "xmUEu4y+BW5//nOS4t95+H+m+T0X2RLp4iy2Ksay74DzB0Z2ehUp2/YEZr9AC2J083XN10"
    "Tsjz/rorIbsEeAIT1V7CQNtQnD666/4jK2n3hqNrClkigpYMcJ1hzJP3Bm3FRK6QUTVN1T"
    "qryPkpn/O+zHuf+wTCxLaoIJhIFTE2cYvSwmsrjhQiVaGWWIZUltVoTn0FRix/NrxRkNks"
    "esnxJnM8F7AqyHEWveR4kznuq5DixZFiMsnfJvOXGroqZeGlKSWXm8xlkk/4VqlKckwnOd"
    "xkDgchxZW+5Cyt5HSTOR2KT5UypzO0ktON5jQxMxhGNU5naCWnG81pAznV2JwklDxuMo9j"
    "h0UFMSxFKvncZD7LSvudWo3JskzMBywTIys2t43rjLUzV7H5nQrVNmwzlHWBPgD0si7Qju"
    "oCNaNCbcOWFF5QOQrUFpcESrgJFy5mjqMacMsKql0y0ASP06KJnJqX8IUdjyUCEq2K1CcD"
    "tRUlEhxQB0jDIMigjRiRSLA6MLoPIsraiFEQcLIlTA/+KG0FyTc2bYnRmA7SVoiI67uGiT"
    "QJhmkTTEJ1ARmFlVzVeS5GNawhvhnbm2DAaTBeO+S1P6pUUvRFg6JyipHgsKGmogKjjhsL"
    "gGMOARu9AgvaQFup5hICtACqCehIV+B1hY7BwkZrfKVrK+AXXwMu8v8+xv9BM18svL5hGR"
    "Uec2UckyXaZRnxd7ZTFFdVfNbNynXYQto9Rs9Ppt3p40Tp/dS9/zGoaidQiC1NfQXSf8/M"
    "7s0Nqc8Wd8g0zMxhd9oP6wMqcZk9ZnNYh0+ZPPZ6/X6iHl/ckv1IeWL76y86QT56ZbsCkJ"
    "khKk2J/ewisu7j3us+umjL2ZUaQM4tObcSxjLNRbZiI6Mg/Wvz5EqP0OTKiZ3e42Q6uqOF"
    "Q4MrPImm3dtbupfd3rIqi06+Tqb9O9yB/k8mYDg1E2Vz373WqGj+Xnsz93ZR8u9AgioOKU"
    "lPxlW0zMPOE1fhbxXCpyEnqKSHvaqHvSknwX4Y8Et87AVnFAr7gyufUthQA+Mx7zmFzON3"
    "6Dqxv9CFhq0qvJgmV1PhQ0qF7OtVrMXUR1pkLA4dqJtsxWE292ZT8S8r1QWvqgOekLdcuc"
    "cAX+p+C7HWhtf+XXDk6q6BR3EsqAHVJKdF6hoEjqlazgq5zqe80XgXD5Dm44PaB45LzMeU"
    "3yJ6W0TQZD27oup2yWPcuCw2blzmS/Dh70hx4e9CFZdTRFI/5tGP9TVe0hXPZlThKznjJE"
    "nUOpwvznjcDLhXIc70XiZK1tRdhe4JDK25rFxZmlDWPIRJJuSLlf3mqabLrINfuC8mSdqk"
    "KNVm8SFCWaW6s2lCOXc3zN2oTK+DV17RdSJPLKsachWRrLBiMGn3t3TsCuK61w0bup5tVo"
    "WYQSshlqbBd1cJ5ZH0jWGA8+yJJ/1FNBJ4aRRvslEcz9QaMJ34o7QU0fhr5sjlC9bdGkB9"
    "iEdqKbDpPaqWlD6lhmysKK+vbRlZO3fP0PSsIvdMmLu1yT0Txh5tds9MXHWx+DMyjTdgw7"
    "VqPzsAmVHI/Q/AWSHLgrYDTPgCbeBACNwVXOfdMNsMJN0tByVhHJe4W57QXOgIr7B/C50t"
    "F1wV7i9KKtxfMCrcy6iujxjV5WFuVQjrSpLJuC4Z13Ug4EsVVlgwzeoFgnFddKGoAdaWB3"
    "Yl19NmRXZ57hP6vTgROHG7XH2gHUVSgbs0CxeG+bouwjK/iTw8S07ALzY5Kc0Er7q7ItJ+"
    "0OkYWN6ToTsrOAdU7QT+oWp5paLOwWfmzPw1SBr4FegOpVGXeJde4kf8yQHBvYAqOaKDgO"
    "M9kZ/9RDQYDWs1cxtZM3PuWYauYXIHHNkwfrBf9eUTDTB7htDylSBuXScaKBDWiL5zDL51"
    "orf1PzvCn6jFn5RhUoRUj5qpHrnI0jUR/SgiaKGCdMlzLPpl8aHol7kj0fMfCC/OecoWAl"
    "5/XnZ2/RHQTTKUUkSurJ/I3Lm63fWW+mYglTGji4/RTJA04whN8tjWHKEpzV7Fc7+9Zq+s"
    "HCzC9yytrKnfnLrQPqdzVp73UZ3Dan8MtTlRCLBYZbYSnbgKZ6lYbV1bLtFmMW3kIvMVWY"
    "Q7WDZ60UN9MVcgS4xc1LUWFDGR+mMz9ceQtyKqTZKmhUpN/ZU+kOcq+HFziJcrEaCzdPWA"
    "/b6zfsf6Yzg3FRsuoA1NVtrN5pmdpm5w9aWqU/z8e545fv598SQn9zZBr8DfLR1v6lWkrU"
    "2DSfGraeIXcy7g32c6KtUkmRYdjm8xP0QtH2SDlsEd2C3XJCWI8dGVZRLFRDJjCyahzycR"
    "aZ5NFiWhyKQkzR5zZ3v3X3dltMls5jx7efFWnksE36p84pa1E6tBHVQ+FIQ7JIsqJ87MRP"
    "nU6HJm3nYHtGSh/3+2XmFWt3sfUVee/t7ujV3aTYs/rfbaTeXhem3jOuNjzx1aIcMUZZhi"
    "U5iwdZiiWPKSPNJm78lKYWody20SZ92VuE0SnTiCDIPupLgbicwLsolIGhGt9nY0eXj89A"
    "N4JbXg9KjYm+5Qhwha4C4OmPz86LBCDOsamgQYPtBqcnYQNkjOx6MxgHgy4ceBhb70bNJk"
    "Q/AMLZdkSJFHkjNPHEQjBHA3B1/bLqVb6IYL7ZmJ+wVzC/grN34zzGy8ldEDUoJQGvII8i"
    "b+I+GLDl8depaKDfE8dVxuh1CsjZHYxiWy35QwBDG+tdbNoN5R5gb92QotcpK9lRAqM3d8"
    "hBT1ZSl9Tw31PclKerutpOc9CSOcpGldfbczrqMYzkrOYjjLH8aQeDNl5a4ZlbKm8PeC5Y"
    "RF2wLUy1Sg/j+mKe0nF8sVaUDD0f2PYfdsgBejlCFDViuOrYspmhFaR57XmtA6WoxzaSPP"
    "EuJJhkwypn7GHJ5F/WbcvZ2K2tMp0RWg/83M0b0y+ak/vL0C4RVuu72NGsPLZtjPYyE4x6"
    "ZS312KThYALPPdEQ5WgjhJJyEugzipseVALq7QlaaSRf9ydRV9nVYU1yyZBLYAWMdbi8Ma"
    "EElQC0AlFhixhTZN+OFW2s8CC61MaPgojncHqra2KjgZodjEkCGT1gVh64KMeCjeMQ7T9y"
    "0jHj4i13kiHpLeqRzbyxxDGUIZ91BX3EMIbJ4dwqEPvcRQB8YK3uiHzDTcIgBiob4gG4uf"
    "W4ZA3AbDtAhzRohUDfVtU4fltREp55llehaBqF0FrXcaSzOGC7wprqboGZodRkBN6v5xWV"
    "SN7fdU3Kjr5tgaEyBLxeCDgBhQ4mPguHjJnvvHKTrAWannF5c/ABuRilxzErpCCvm+Ac+B"
    "jKiaGgYl8TT0J+O+juPh2wsbrWnYjYGWugnoCTpABb8u1LVuvP16Ah7wo6BJA2FU/4nADY"
    "+HVA0iCL3NzPBha6iaNMLHgOoz/vsI2ZhKM3Q8An5ty1DfcKvufrqiQTqvK2RA4D+KhP/Y"
    "8AU/YM4ZVCNjWhoZ0+KzM8+Bx8fBDRv/mCLDA8/T5yeErp5Vb5+8KIHVTwPyZfyk9E5/aF"
    "rzpt+bslKdFdtnWRAklKJqXcp0/bmC0sBRDP1hqro8Bo7qqdm152E3jesHwmUus3Egm1Rg"
    "c5pSOgcazWVfdKzC5RSl5HKTuYx1GPF0rASRtErWZZX0nFqSsTiLmzeNBbzWyMTUY1eMf5"
    "/6bEFaFtssEiRslRpEwj4bLSF3yIRvYImI+YC8+wno+RJzmOkPnt78YmvODwBzUvPIPdxG"
    "zANBGTiHpBNp0HEQo3zbLh4gmM+TScCRpyo1Zv06LjFTkMpi/kyuUJIsRSgV7I0KdrKWFQ"
    "GuYh2kFLUsgbQJdVkCSZZAOvASSHhvdVhl2PkSNmLqJqdLdrq30/5YmXSH/SsQX8/MIVa5"
    "lIfu17v+/fQKJP+amTePD8NBL9Uh15QVlnj4d86zCp0Xr0LnuVXoAHNuaqti9TAe9fqTid"
    "8YXfNVt6rCvfqzcRaqbng2VMo+xCKvTpayBaGXmY/l4oLna7m4KP5cyL3Mru0Xo2Z8McUH"
    "fyRIZBR+NgpfeneKoW6vd0eGr7aN61zhq2htESNbpa89QytdAc1hdP77pkcKKiRhUvycrC"
    "ypPMdXzKomC+Q1AvzAfC0Mf5pOMqAun5isUMjnFeOoUMiY5jUAmzh8qKXQpj9tDnDjvbAG"
    "fLtksEkw1mFtn7wA52QH4QyTXTp2JyvdKjp5K7p3XObcdZK9Nrl3i9EVPSNLOkob6yjVVN"
    "vWxY7HSpA02fBe1cVR+5FN5Ct7JgUfTG/9JAY1g3RXkLfJNSptgsXQH6Z1iMcmKLXVd9RW"
    "iWRh4Q/nSTy3PEcqDTZSZW2GyhpFcrKneg3QcobINmx28wKb+7RT6OK3APePw+G76VPPXo"
    "elSvl52CVaVNCB6/BiUvYVaGj9pJs0/5vWn49K6B/Bk+UJIAm+/w3uPvlHEpM8X/RqAlqL"
    "kZamd1ykPbMPN653eIZi9y158ACtYfsM33x1TmbrNmH9Py7R7ii/XlTDEysfnSFrRqli8t"
    "j2lCoOP6QcV0pq1ydoWqh47yTcpkod3HeugXtIIbJobak2xNpypYLDLPKtMW+mpFQb5HSv"
    "zuNcrFyF/WXkWFZlNdCrQuFR3BWpuIIMhqxSCGwB9f5gvjgQmJ9UW8MytMhOlyCReSDpPS"
    "5v7HzFCufKVZa2uhaJKs2SyfUhO3F1RyGnsr8wpu41QgZUzQIVJkmXgfUJE+4K13BS73cX"
    "ux6Nhinx+HqQLTr7eHfdHx+dZfY4GcorzfZkCBnK2zau84TyBkYl8ei2FJ102NTlKkgY+b"
    "YNw4pHOjBGcIdhpebgFkVoNdV26yiu2sPjtLm2qqxCy12Flmqk2oqcp7ttOVoy1BDOl61y"
    "/WXRsqFSYFIRxMqGk3CctkC1U99bYnaxfHDpyVfii6MT3oh7bnTK9Wm9XP8T8b1lk58f/+"
    "T4XrArUrX2GP/zdgxW6BWsPW11TJ1kr2FZXAMu3LwvrrZRucrTPHvB5pMsTyN9cI30weEp"
    "66oChpmof5uE2xqtiQYRPxUaqS2Aao5Ooss60uwjFOQgMvqo9/MVCC5mZm80Hvd708Ho/g"
    "rE1zPzpnvX/bF/Bfz/Z+ZofNMfKw/Dbo8Uckj+Fd4b94f97iS+G/49M8f96eP4ntwJr2bm"
    "7bA7+YmWA1G6w+GIVPcgBSIYram+8VCMxuzO9D4xzyZyhSz+YX9ZRILHq23DBSR1hoQgTh"
    "HtLYp8TzDLGHJplqzDGI01ByQeQ56kksHLlUPII61GIHY8ommTPPe+puAgvHVLM3C7TjM6"
    "zgY2R/OOJwuXLA81QNruWPHkItqsMHFi3OuwjVQ23GieCrrsNtuWGChdzw+ZMZC59P+QJq"
    "FmmoTo/wKie9i/yWp1YwR3LOxhebCgJGWB/BaTtBDi3QRWY5SE5nBE0DoVv37rSXI1z8gM"
    "BlKLAlITRBmMF4TqAOdxWfD06PF62AcP435vMBkEGRqRJklvkqY43Gzc7w5zAcDhRimEc5"
    "JKAs0DNLKgSaoYrJBnCyUi5QhlKlLKkFJHKhKWWXXivFRsda57jrIW81XlafeniX8+PZXB"
    "xDKYmAm4tN8Wz+322m9lMHHbuF4UTJwzYPIEXEb7las6z1vGx90EY03xUAc4HfgDL+uIuW"
    "yP2ZInG1OGDu7cHusjVmSUjfDcYJmNYz83xw3+RAL3VPMtiu4DiNTfIMMAkv3pgKMFsoGl"
    "a8+e5dfVwG/2Z01330C47nzKBw7WNyyzeEdkgCZeHVm14yDMw795quli/gooYkkSmcmZ1Q"
    "WkVPhRpEIZT9CEQA66tQpDn6CS4NcWzBHu/9uGc4TjHBgTuAM6ErOPowSgDJGpGiLzzodj"
    "0xgahtoQxtYUKwzhmeg7jeSQEnkjJXIbsU5Q4MyKCGj3eR7s42Q6uuuPBV1UEd0VCK9Ibs"
    "TjeECb/IuZicWy29srQP+bmd2bu8H9FaD/ZZVbHu95/YdavkJtpboK9R0KnUSdI5TFh9JY"
    "s4oPUcjwj0XVwE5Q1oI2R0rCAcNN9iDR4LEkjZzQmxC2VMd5RVjKWKnOSgTmHOGOpnPbAs"
    "lMXXsWjodM0LQunGwHEZEvWK6xFc82REBOU7UO5osznrA93KsQaHpPRnm8a5SHoTquYqCl"
    "blYw7uaI5ZmwzTHn5mM7ZERP8dJ2mFZ8GdHzEblea0RPkLqxbbGrbpwBcmCTgCtOJT7Xcl"
    "ucBM4APUikZEk+Ppz+azt4BIPnmilVlSMkYw2bG2t4kADZcEEOGlBc9AzNLYEa+2NNyVBt"
    "wkvIdZg8yMQjR9oqjquy6haFyI5MOEX4H47l3x9wEo7XkvVN0NnahbaurToMd2tw57jM4a"
    "rGfRrjcv0o/tYtQ++KPal4F3P0ohJzbGgTJDI7m8+oTj4qAYSD7i1E9+z0lMe9fHpa7F8+"
    "ZRx7ZbrQZNgjihNZEyT7T2F9H/tibcmqAnaB+iOH/vh/jaUOxQ=="
)
