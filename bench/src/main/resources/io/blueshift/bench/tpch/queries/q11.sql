-- TPC-H Q11: important stock identification (NATION = GERMANY, FRACTION = 0.0001)
-- (the spec's FRACTION is 0.0001 / SF; this is the SF 1 text, as DuckDB's tpch extension uses)
SELECT
    ps_partkey,
    sum(ps_supplycost * ps_availqty) AS "value"
FROM
    partsupp,
    supplier,
    nation
WHERE
    ps_suppkey = s_suppkey
    AND s_nationkey = n_nationkey
    AND n_name = 'GERMANY'
GROUP BY
    ps_partkey
HAVING
    sum(ps_supplycost * ps_availqty) > (
        SELECT
            sum(ps_supplycost * ps_availqty) * 0.0001
        FROM
            partsupp,
            supplier,
            nation
        WHERE
            ps_suppkey = s_suppkey
            AND s_nationkey = n_nationkey
            AND n_name = 'GERMANY')
ORDER BY
    "value" DESC
