from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    # Keyword search on any database locale. pg_trgm cannot serve Chinese: a C-locale
    # database drops CJK characters from trigrams, and even with a UTF-8 ctype a two-character
    # word such as 羊毛 yields no trigram, so the index scans everything. Instead index every
    # character unigram and bigram of the normalised text (GIN over text[]), which depends on
    # no locale; a query's bigrams (its unigram when one character long) select candidates
    # through the index and a LIKE on the same column rechecks them.
    return """
        CREATE OR REPLACE FUNCTION ms_search_grams(doc text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
            SELECT coalesce(array_agg(DISTINCT g), '{}'::text[])
            FROM (
                SELECT substr(doc, i, 1) AS g FROM generate_series(1, char_length(doc)) AS i
                UNION ALL
                SELECT substr(doc, i, 2) FROM generate_series(1, char_length(doc) - 1) AS i
            ) AS grams
            WHERE position(' ' IN g) = 0
        $fn$;
        CREATE INDEX IF NOT EXISTS "product_search_grams_gin"
            ON "product" USING gin (ms_search_grams("search_text"));"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "product_search_grams_gin";
        DROP FUNCTION IF EXISTS ms_search_grams(text);"""


MODELS_STATE = (
    "eJztXWtz4jgW/Ssqvmy6ismmyaN7M1tbRQiZZpqEFJCdqelMuYUR4IqRPLIdmprt/76S/H"
    "4Rmxhi3PqSgKQr2+fK0n0cib8bSzJFunnctqea1SfzxiX4u4HhErEPibomaEDDCGp4gQUn"
    "umgMeStFd5tNTItC1WIVM6ibiBVNkalSzbA0glkptnWdFxKVNdTwPCiysfaXjRSLzJG1QJ"
    "RVfPmTFWt4ir4hk3/90kDY0qy1Yq0NxK/mftWmDdbyS4Ndl1D+jVWpFEELTRVoNf7k3RhP"
    "ykxD+jTynE5TUe70ycqutHkPWzeiLb/RiaIS3V7ioL2xthYE+wIatnjpHGFE+SVZmUVt/u"
    "T8wVyUPDCchwyaOE8XkpmiGbR1K4TURAnKGopyNxgro+5YURoFsFUJ5npht2oKAOb8Fn76"
    "V6t1evqhdXJ68fH87MOH848nH1lbcb/Jqg/fnZsJ0HK6Epj1fundjfkNEaZ8Z1jwgu9CBl"
    "rQkRJKDNBn6uL3ndBAZwFpOv6BREwH7OHiOvAQ36QEryDQQjBo96GGJfym6AjPrQX7enG2"
    "AeH/toedT+3h0cXZuyjMd25NS1RxwAOAY29LXpRjYjWE+rSVA+rTVibUvCoV6qITSkTs5X"
    "nlEIDe49QSwK8uIJ4jMwn+r6PBXTr0IZEY8FNNtcD/gK6ZO1NA498zG4vJDExsTbc0bB7z"
    "y/6nsSO1bECYQ8R7XprmX3p4nB/dtn+PvwKd/uBKQEZMa05FL6KDq7hCguU3oZNrVmNpS5"
    "Shl4hkXDWu6LH34RDfEPaA0wHW1+6iv0E1495tdzRu395H9HPdHnd5TUuUrmOlRxcxnfmd"
    "gN9640+AfwV/DO66cTX67cZ/NPg9QdsiCiYrBU5D9olX6qEW0XrYAMs/CYaltpoD3VurjI"
    "L3NgVyw3b2lGVcEZrUww2hSJvjz2gtdNFjNw6xmrbOuz7Ag4nyrPcVU8F3b4x5pcEtUrjy"
    "PYHI0GPPzp4YWeLp2Q2Au4d+vyEwnkD1aQXpVImAzWtIi8RK/LbJqmVrGS+BGM4FPPw5+F"
    "27sHcY1HNC140Ut8yva25yy9Rwq5e8ssZ4RYCOnlknlwACixjAkwdHBqTMThF3+A5APAWa"
    "ZQJ1oelTVn7ciCnklV297AVKb66S3pz4X8DL8NpL9yKHe6Gx6yk21YsAHJbZH8iNXVmwUY"
    "jP3+fBmLXKBFnURVE2CbUUQqcoZeHMnEWiQvvz4U52O5u03p99OPt4enHmTyJ+yaa5I+ma"
    "aabCwzbPKZPDFSE6gjhj+IblYrBOmOCucPVm7v06YVeDQT9i5F/1YjPw3cPtVXd49F4MaN"
    "ZIs7J8Yel6/YCul21Mt9R6VFJqvSpa9zAKqd29+0Drjj1d2OOOiEmXuySX20G1BJ877OAd"
    "lh7y+t2RARhxvIfslRj2OuNNjnc47uu4jinD35W8+TxEOsxIG9UW7+gkQcnUVq2U6HgRkO"
    "6dXg5w/s8EaZcBnBv4TKhjoyUCOH5dc1MAZxZu9WIApw3MBTEMRP9hAhM+oylw1Z4M0Gxu"
    "mhKA+dKw3Sig29BJqUcy87yF+z7zdLwM0lQySCN9g7pZiXl8A/etLW4mRuRkenrr9HRocs"
    "yPfkhIQl+Wje4tZPvJilVNBXnN89DQixjnnfao077uNtJmlxJQrZ+JGQc2OqOmY/s2CceB"
    "bU3It+4zEveeMFnD1RutViIaKshvmcdytZimgUPIARYBEGNis5FyDH5jBrCFMFhp1gIwc9"
    "Rt1ASGPdE1c8FsVzizEAUqWS61dFu3tM4f8SP++oyoyW78K9BMIQPnbKGes0swY9qtc6XC"
    "PZoEmPaEP/aEtQEqxGBKifGIp7ahazw/aoIjioILC/xMJ0f6hJABRIYhZ4b0S8PvyLXXfI"
    "asd7c+uy8occak+wzSgq+oBW8RQ1OLpAF9gRomWsunzCZfkNzc5IRkDQEvP7Mdn38K0MZi"
    "ktJI3to/8Sb9BP6Z4Ick6oR7aVlvA651AlNGdDYhOSQiCcmRyIokJMvIV3O7yFfMDi6i97"
    "hsCZqvZvao6opOSYQ7mk7Eed7GdfbCFilucyiike0yhwIoebxltzmAjgPq5nKAiZgPqVng"
    "aHT/8O5nsFpAi/uoE2LPF+ITwQiQmWDcjj4/mGm+clldc0/5nmoqAtT1f6HOuuDOLHs72O"
    "XATJvblBdRxPxbw2JdiEtSsuLOMl/qWDMTcHadkJuxRQnRR8zauW8LcF5VdmdsULMZjN+B"
    "ZxPyS/A7cS6JnjW0MgF/FIrYm2dmZroSjjSPHthCXR6J2d9tGlQtNawY/HHjFeKx2ZRiM5"
    "soVhXenxqtcRBS4PNcOuFVdcI1Sy/kHPoCNfQJL07yOOEn2U74SYKHa08KIxyWqR3b+X0r"
    "D8asVSbIoi6KcujOlIW1TOGWj9G3jOkkTbYGqG8yiLq/jzc7Jb491B/c/eI1j3sqMW70Eh"
    "bctRpIVMNH5NerjY9oGkhV5pTYRiGdxMSkYspXjG8cJZeDLraXifxiVD++9B6nqOth+2Zc"
    "EH9H6BKIf494cKeMPnX7N5fA+8TKbm78Qu9j3JDPtaJc5FlQ4g5daD25iC8ngRGcUNM1Ut"
    "m8pae/PRG5+LvjCB67HexKWbvaSrMB4utup3fb7rN1udmK7ejw0D9LrNhcg1tBHJaTEG+C"
    "OOyxJUDO3gMWlZKbwOLhcNenLYprXEwCmwGsaS+Lw+oKSVAzQOURmGITbVTwh5tpTwtMtD"
    "IyX+fIfGRJRZCqC8VC31IUnR1iiInJ6ELh6IJMeWavGPVNecqNwHXTesosm9jjF85OJdS+"
    "KTEUE6wTmedtdxqEz1/a337gqqkiLzE+NgxfsSXY2zb5yu2u4T2aNcE8apU9pQVUiyA0er"
    "LrBM4uGSJDNGNT/WJMnhBupNBEIvXNTVwR6rRULL/py4wRDIgBGfjAFQZCuAlMi01EU072"
    "4MQNcwFb5xc/A0r4hokpJ2SgZ0TXwDZRClekhE45S0Q8MmtrmjarnlGyFGQSncw1zKUpAh"
    "B8ncGlpq+/HoN7dil+Zi6ei6PlmCywOBtlxa4Hdb68rx+xd7ElgljwVnQEn9j3I0KZlKpr"
    "/Ag6igwdrhE/ge7dpaCerBZER8C5FCe1UPTMLjCVp9JVfRFugmymhqPOpAYeHnrX6fgHEj"
    "Ed2LY2PeZy5cx6+9TFBlgdxr5juYZtUvGgUX9SvG/KApqL9Exc1v6TsFQ5bvzbDuwdb0GR"
    "bns29IfpwOVx29E3Q2O9baH1qGQNtX4gWs4VDHVtky3UHJWUIe9Ka9kxHbfRckRSarnKWp"
    "anelQl1iZP9SjlVI+32T7D40gpMRE3vJQdCjHdBi8GQAYYAc7R5Oc4TDQswlpis4i/3+UI"
    "Hc+PAY9b/BPcvnMOhODhC7LCQBCnxD4S0yLqUzIUUn73qUewhXYJCcLpE1onjmGTQYhKBi"
    "GEvp6hbhfjesfEqsErrtWmYP9FSmhlw0aTkEwNd/O0zs9zBDRYq8yIhqiLkX22IK2+MWH1"
    "bWzgrTirbN3h5+kyn2ErdnCa+KsxPxy3YzuaMF+rkzhnE4S99pJsGSdb6szpEvAo1oInko"
    "ieYqtkApshvT+Yzw8E5gmkKrOhi6x0IZGtFrr4HFDrqP2KuZoLS5lTuEwx8jLHb1xMzg/y"
    "92O2WcXk78fI/JOkjUqtF/39GHkyeKUC2fIs5VLOUi7GGHX8h8yfEC/EieRd9dF0XqtEQt"
    "z1pUjJcIALYkXRyOunLlDtNFMSGl1pGZPo4NuQOREDXg9avphC6QrSpnuItshtjD4/8J+P"
    "4T1dcupkk/1ZN8GCrMDSVhdNkdJYedxMHc1SDucurddcJ3k92e5UET56S2ZMKpkxYUPWgg"
    "XcaL99nUyREmM/OjcWFHEufQFUE3IS3bTd4giaaWcn5zucJpCucjJJWFSDzudL4H54xJ3B"
    "cNjtjHuDu0sQfH7E1+3b9i/dS+D8f8SD4XV3qNz3253u9SUIf/Pqht1+tz0Kar3vj3jYHT"
    "8M73iN9+kR3/Tbo0/KqN3vKu1+f9BhXhSrTyuNtA26SimMr0x5QojlH4WOiVXsF9Td9jXY"
    "Gr2HHCRFM0QRTkuPZUMcEdoVzonlfU8wS+q6DCKVETpkngMpToQMS8mfIC5mOEe2cRZGPp"
    "Cpkz33toE7l4z4yqBdvbbUNmMBu2DcZQTrEpNKCZDm5PRWbDLJC2l4Eo2Aym4A3D30+29G"
    "6uXBvUZ6kIq+8MPHpt/kpbhUNp55IkI8QGnZDsFBJ3jufJEhoWqGhMT/Aqa7177KbnVlDH"
    "dm7DF7MOOE3Qz7LRCpIcS7ocEylAqNYV+gdi5++dGT8Gwesxl0ArPogyGhGMYzLnWA43gT"
    "1XXwcNXvgvtht9Mb9Vw+ve9JikpeFJCDht12P0HX9BbKQjiHpSTQeYAmBsL8MNEFsWmhbS"
    "MJQblxJBJIKWPjCLNZNZ68VCicarapFDl9N1V2f5746cmJpH5K6mcq4DJ+mz226xu/ldTP"
    "umk9i/qZCGDmpselzMCS6tXccfzMQSwriObj+UIkLeDqvczz+sSJVhCvfTaWOI1PdAP43i"
    "oTHM0IBYamPtmGs2ud3dlPqmatgWfXvEsSvcrrNnVrvB8w5FF4uSf+IMJ5f9kQM987Zet1"
    "pgLCInKfVNx2k6v4j7KKy/xvFRLvYmktDH1ISoJfWvLdW/9fm373+jkwJeROwIdGX/oJUL"
    "GppQxMf0RKwxufqCU4Dylug8eFyHYYvIPUdpp5lxZ5JS1ySvSM5GQOFrsru8c8ZedhNB7c"
    "docFUwq+3CXwPnEu+8OwJ4qcD4+YmWU3N5dA/HvE7evb3t0lEP/izm2ebGf5v7a6QuoCWo"
    "rI9aS8Ndkp5YSgPNojinXa0R4CMvawZDuwQ5KloJ2DQn7AcPM1qCjZJywjB/RLCBvQNFeE"
    "WRlFz/JPCO5oONeN+IM19akwfy0kUzv6zw4YbM/MrqGKTfUiIEelagfz+fs8NCvWKhNoUS"
    "ez8m+aldehaSniF5G2CO4mhOWZ8tUJ5yZz8ZKBkT21HWYUXzIwfkStl8rAiPzo3ytPKIr/"
    "1OCBDYc3IWO0EdXURSMlourWNDfFVGHQpjJR1R8lpPrK7Hp2sPQZUVPLOvUjHdqQiNwwk8"
    "9v5i9VAYTd5jVE9/3JSZ4I8slJdgj5JOXceGwhnGJyZO8tCInsf1fB27gQpe0fKLD0l7+Y"
    "ff8/5HCqQQ=="
)
