-- Statements a masked caller granted 'any' on et_customers.name and date_of_birth may run, whose
-- server errors quote the protected value they failed on, in every SQLSTATE class and text field.
-- Each must reach the caller without the value (ErrorTextThroughGatewayTest).
-- class 22, quoted in the message
SELECT id FROM et_customers WHERE name::int = 1
SELECT id FROM et_customers WHERE name::numeric = 1
SELECT id FROM et_customers WHERE name::date IS NULL
SELECT id FROM et_customers WHERE name::timestamptz IS NULL
SELECT id FROM et_customers WHERE name::interval IS NULL
SELECT id FROM et_customers WHERE name::uuid IS NULL
SELECT id FROM et_customers WHERE name::inet IS NULL
SELECT id FROM et_customers WHERE name::bool
SELECT id FROM et_customers WHERE name::point IS NULL
SELECT id FROM et_customers WHERE (name || '')::money IS NULL
SELECT id FROM et_customers WHERE name::int4range IS NULL
SELECT id FROM et_customers WHERE ARRAY[name]::int[] IS NULL
SELECT id FROM et_customers WHERE row(name, 1)::text::int = 1
SELECT id FROM et_customers WHERE date_of_birth::text::int = 1
SELECT id FROM et_customers WHERE (now() AT TIME ZONE name) IS NULL
SELECT id FROM et_customers WHERE pg_size_bytes(name) > 0
SELECT id FROM et_customers WHERE parse_ident(name) IS NULL
SELECT id FROM et_customers WHERE date_trunc(name, now()) IS NULL
SELECT id FROM et_customers WHERE to_date(name, 'YYYY-MM-DD') IS NULL
SELECT id FROM et_customers WHERE name::int = 1 ORDER BY id
SELECT id FROM et_customers ORDER BY name::int
SELECT c.id FROM et_customers c JOIN et_orders o ON o.customer_id = c.id AND c.name::int = o.id
-- class 22, in the detail or context (JSON, XML)
SELECT id FROM et_customers WHERE name::json IS NULL
SELECT id FROM et_customers WHERE name::jsonb IS NULL
SELECT id FROM et_customers WHERE ('"' || name)::json IS NULL
SELECT id FROM et_customers WHERE xmlparse(document name) IS NULL
SELECT id FROM et_customers WHERE xmlparse(content '<a>' || name) IS NULL
-- class 22, unquoted numbers computed from the value
SELECT id FROM et_customers WHERE make_date(2000, ascii(name), 1) IS NULL
SELECT id FROM et_customers WHERE make_date(2000, 1, extract(day FROM date_of_birth)::int + 40) IS NULL
SELECT id FROM et_customers WHERE to_char(date_of_birth, 'YYYYMMDD')::int::smallint = 1
-- other classes: names resolved from the value (42601, 42704), program limits (54000)
SELECT id FROM et_customers WHERE current_setting(name) IS NULL
SELECT id FROM et_customers WHERE current_setting(split_part(name, ' ', 1)) IS NULL
SELECT id FROM et_customers WHERE to_tsquery(name) IS NULL
SELECT id FROM et_customers WHERE name::tsquery IS NULL
SELECT id FROM et_customers WHERE name::regtype IS NULL
SELECT id FROM et_customers WHERE split_part(name, ' ', 1)::regtype IS NULL
SELECT id FROM et_customers WHERE split_part(name, ' ', 1)::regclass IS NULL
SELECT id FROM et_customers WHERE split_part(name, ' ', 1)::regproc IS NULL
SELECT id FROM et_customers WHERE split_part(name, ' ', 1)::regnamespace IS NULL
SELECT id FROM et_customers WHERE split_part(name, ' ', 1)::regrole IS NULL
SELECT id FROM et_customers WHERE chr(ascii(name) + 1114112) = ''
SELECT id FROM et_customers WHERE format('%' || name) = ''
-- carriers: the error comes when EXECUTE, FETCH or EXPLAIN ANALYZE runs what was judged
PREPARE et_p AS SELECT id FROM et_customers WHERE name::int = 1; EXECUTE et_p
BEGIN; DECLARE et_c CURSOR FOR SELECT id FROM et_customers WHERE name::date IS NULL; FETCH et_c; COMMIT
EXPLAIN ANALYZE SELECT id FROM et_customers WHERE name::int = 1
WITH x AS (SELECT id, name FROM et_customers) SELECT id FROM x WHERE name::int = 1
SELECT id FROM (SELECT id, name FROM et_customers) s WHERE s.name::uuid IS NULL
SELECT id FROM et_customers WHERE EXISTS (SELECT 1 FROM et_orders WHERE et_customers.name::int = et_orders.id)
SELECT id FROM et_customers WHERE id = 1 AND CASE WHEN id > 0 THEN name::int = 1 END
SELECT count(*) FROM et_customers c, generate_series(1, c.name::int)
SELECT count(*) FROM et_customers c CROSS JOIN LATERAL generate_series(1, c.date_of_birth::text::int) g
-- copies out, refused even where 'any' allows the computation
SELECT id FROM et_customers WHERE set_config('et.x', name, false) IS NOT NULL; SHOW et.x
SELECT count(set_config('et.y', name || date_of_birth, false)) FROM et_customers; SELECT current_setting('et.y')
SELECT id FROM et_customers WHERE pg_advisory_lock(ascii(name)) IS NOT NULL
