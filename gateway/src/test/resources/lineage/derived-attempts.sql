-- Attempts to read protected columns of lc_customers through derivations and copies.
-- One statement per line; each must be refused or return nothing in clear. (LineageThroughGatewayTest)
-- functions over protected columns
SELECT reverse(card_number) FROM lc_customers
SELECT translate(card_number, '0123456789', 'abcdefghij') FROM lc_customers
SELECT encode(convert_to(email, 'utf8'), 'base64') FROM lc_customers
SELECT encode(convert_to(email, 'utf8'), 'hex') FROM lc_customers
SELECT encode(email::bytea, 'escape') FROM lc_customers
SELECT split_part(email, '@', 1), split_part(email, '@', 2) FROM lc_customers
SELECT substr(card_number, 1, 8), substr(card_number, 9) FROM lc_customers
SELECT left(national_id, 6), right(national_id, 5) FROM lc_customers
SELECT lower(email), upper(email), initcap(email) FROM lc_customers
SELECT replace(email, '@', ' at ') FROM lc_customers
SELECT regexp_replace(phone, '[0-9]', 'X', 'g'), regexp_replace(phone, '(.)', '\1 ', 'g') FROM lc_customers
SELECT overlay(card_number placing 'XXXX' from 1 for 4) FROM lc_customers
SELECT btrim(email), ltrim(phone, '+'), rtrim(card_number) FROM lc_customers
SELECT concat(email, ''), concat_ws('|', phone, card_number) FROM lc_customers
SELECT format('%s', email), format('%I', phone) FROM lc_customers
SELECT email || '' , '' || phone FROM lc_customers
SELECT repeat(national_id, 1), lpad(phone, 30, '_') FROM lc_customers
SELECT md5(email), sha256(convert_to(card_number, 'utf8')) FROM lc_customers
SELECT ascii(email), chr(ascii(card_number)) FROM lc_customers
SELECT string_to_array(card_number, ' ') FROM lc_customers
SELECT quote_literal(email), quote_ident(phone) FROM lc_customers
SELECT to_tsvector(notes) FROM lc_customers
SELECT reverse(notes) FROM lc_customers
SELECT upper(notes) FROM lc_customers
SELECT translate(notes, '0123456789@', 'abcdefghij#') FROM lc_customers
SELECT upper(name), reverse(name) FROM lc_customers
SELECT nullif(email, 'x'), coalesce(phone, 'none'), greatest(card_number, ''), least(national_id, 'z') FROM lc_customers
SELECT CASE WHEN id > 0 THEN email END FROM lc_customers
SELECT CASE id WHEN 1 THEN card_number ELSE phone END FROM lc_customers
-- casts and arithmetic
SELECT c::text FROM lc_customers c
SELECT c.*::text FROM lc_customers c
SELECT (c.*)::text FROM lc_customers c
SELECT lc_customers::text FROM lc_customers
SELECT email::bytea, card_number::bytea FROM lc_customers
SELECT CAST(card_number AS varchar(100)) FROM lc_customers
SELECT email::varchar, email::name, email::char(60) FROM lc_customers
SELECT date_of_birth + 1, date_of_birth - 1 FROM lc_customers
SELECT date_of_birth::text, to_char(date_of_birth, 'YYYY-MM-DD') FROM lc_customers
SELECT extract(day FROM date_of_birth), extract(month FROM date_of_birth), extract(epoch FROM date_of_birth) FROM lc_customers
SELECT date_trunc('day', date_of_birth), age(date_of_birth) FROM lc_customers
SELECT date_of_birth - date '1900-01-01' FROM lc_customers
SELECT replace(card_number, ' ', '')::numeric + 0 FROM lc_customers
SELECT (replace(national_id, '-', ''))::int FROM lc_customers
SELECT email::int FROM lc_customers
SELECT reverse(email)::int FROM lc_customers
SELECT 1 / (length(card_number) - length(card_number)) FROM lc_customers
-- aggregates
SELECT string_agg(card_number, ',') FROM (SELECT card_number FROM lc_customers LIMIT 5) s
SELECT string_agg(email, ',' ORDER BY id) FROM lc_customers
SELECT array_agg(phone) FROM lc_customers
SELECT min(email), max(card_number) FROM lc_customers
SELECT min(date_of_birth), max(date_of_birth) FROM lc_customers
SELECT json_agg(email), jsonb_agg(phone) FROM lc_customers
SELECT json_object_agg(id, national_id) FROM lc_customers
SELECT array_to_string(array_agg(email), ';') FROM lc_customers
SELECT xmlagg(xmlelement(name e, email)) FROM lc_customers
SELECT mode() WITHIN GROUP (ORDER BY card_number) FROM lc_customers
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY date_of_birth) FROM lc_customers
SELECT bool_or(card_number LIKE '4%') FROM lc_customers
-- JSON and XML builders, whole rows
SELECT row_to_json(c) FROM lc_customers c
SELECT row_to_json(c.*) FROM lc_customers c
SELECT to_jsonb(c) FROM lc_customers c
SELECT to_json(lc_customers) FROM lc_customers
SELECT json_build_object('e', email, 'c', card_number) FROM lc_customers
SELECT jsonb_build_array(email, phone) FROM lc_customers
SELECT json_agg(c) FROM lc_customers c
SELECT jsonb_object_agg(email, phone) FROM lc_customers
SELECT xmlelement(name customer, email) FROM lc_customers
SELECT xmlforest(email, phone) FROM lc_customers
SELECT table_to_xml('lc_customers', true, false, '')
SELECT query_to_xml('select email from lc_customers', true, false, '')
SELECT hstore(c) FROM lc_customers c
SELECT ROW(email, phone) FROM lc_customers
SELECT (email, card_number) FROM lc_customers
SELECT ARRAY[email, phone] FROM lc_customers
SELECT ARRAY(SELECT email FROM lc_customers)
SELECT c FROM lc_customers c
SELECT (c).email FROM lc_customers c
SELECT email(c) FROM lc_customers c
-- CTEs, subqueries, LATERAL, set operations, windows
WITH x AS (SELECT email FROM lc_customers) SELECT reverse(email) FROM x
WITH x AS (SELECT reverse(email) AS r FROM lc_customers) SELECT r FROM x
WITH x AS MATERIALIZED (SELECT card_number AS c FROM lc_customers) SELECT c || '' FROM x
WITH RECURSIVE r(n, e) AS (SELECT 1, email FROM lc_customers UNION ALL SELECT n + 1, e FROM r WHERE n < 2) SELECT e FROM r
SELECT r FROM (SELECT reverse(email) AS r FROM lc_customers) s
SELECT (SELECT email FROM lc_customers LIMIT 1)
SELECT (SELECT card_number FROM lc_customers c2 WHERE c2.id = c.id) FROM lc_customers c
SELECT l.e FROM lc_customers c, LATERAL (SELECT reverse(c.email) e) l
SELECT l.* FROM lc_customers c CROSS JOIN LATERAL (SELECT upper(c.phone)) l
SELECT email FROM lc_customers UNION SELECT 'x'
SELECT 'x' UNION ALL SELECT date_of_birth::text FROM lc_customers
SELECT date_of_birth FROM lc_customers UNION ALL SELECT NULL
SELECT card_number FROM lc_customers INTERSECT SELECT card_number FROM lc_customers
SELECT email FROM lc_customers EXCEPT SELECT 'nobody@example.com'
SELECT x FROM (SELECT email FROM lc_customers UNION ALL SELECT 'a') s(x)
SELECT email FROM lc_customers c1 FULL JOIN lc_customers c2 USING (email)
SELECT lag(email) OVER (ORDER BY id), lead(card_number) OVER () FROM lc_customers
SELECT first_value(national_id) OVER (ORDER BY id) FROM lc_customers
SELECT * FROM unnest((SELECT array_agg(email) FROM lc_customers))
SELECT * FROM unnest(ARRAY(SELECT phone FROM lc_customers)) AS u(p)
SELECT * FROM lc_customers c, LATERAL unnest(ARRAY[c.email]) AS u(v)
-- a USING or NATURAL join's merged column cast to the other side's type (date to timestamp):
-- PostgreSQL describes it as an expression, and a LEFT JOIN keeps every row
SELECT key_date FROM lc_ledger LEFT JOIN lc_guesses USING (key_date)
SELECT key_date FROM lc_guesses RIGHT JOIN lc_ledger_low_1 USING (key_date)
SELECT * FROM lc_ledger LEFT JOIN lc_guesses USING (key_date)
SELECT key_date FROM lc_ledger NATURAL LEFT JOIN (SELECT key_date FROM lc_guesses) g
SELECT key_date FROM (SELECT key_date FROM lc_ledger) l LEFT JOIN lc_guesses USING (key_date)
-- a VALUES list: PostgreSQL describes its columns as expressions, so names came back in clear
SELECT v.n FROM lc_customers c, LATERAL (VALUES (c.name)) v(n)
SELECT v.* FROM lc_customers c CROSS JOIN LATERAL (VALUES (c.name), (c.date_of_birth::text)) v(x)
SELECT * FROM lc_customers c JOIN LATERAL (VALUES (c.date_of_birth, c.id)) v(d, i) ON true
SELECT v.column1 FROM lc_customers c, LATERAL (VALUES (c.name) LIMIT 1) v
SELECT * FROM (SELECT name FROM lc_customers) s(n), LATERAL (VALUES (s.n)) v(m)
SELECT * FROM json_each_text((SELECT row_to_json(c) FROM lc_customers c LIMIT 1)::json)
-- predicates that reveal bits
SELECT count(*) FROM lc_customers WHERE card_number LIKE '4%'
SELECT id FROM lc_customers WHERE email LIKE 'a%'
SELECT id FROM lc_customers WHERE substr(national_id, 1, 1) = '5'
SELECT id FROM lc_customers ORDER BY card_number
SELECT id FROM lc_customers WHERE date_of_birth < '1980-01-01'
SELECT id FROM lc_customers WHERE phone ~ '^\+1'
SELECT id FROM lc_customers WHERE email = 'ada.lovelace@example.com'
SELECT id, CASE WHEN email LIKE 'a%' THEN 1 ELSE 0 END FROM lc_customers
SELECT count(*) FILTER (WHERE email LIKE 'a%') FROM lc_customers
SELECT 1 / (CASE WHEN card_number LIKE '4%' THEN 0 ELSE 1 END) FROM lc_customers
SELECT id FROM lc_customers WHERE notes LIKE '%@%'
SELECT id, row_number() OVER (ORDER BY email) FROM lc_customers
SELECT id FROM lc_customers WHERE position('@' in email) > 5
-- notices, notifications, settings, errors
SELECT pg_notify('lc', string_agg(email, ',')) FROM lc_customers
SELECT pg_notify('lc', card_number) FROM lc_customers
SELECT set_config('lc.x', email, false) FROM lc_customers
DO $$ BEGIN RAISE NOTICE '%', (SELECT string_agg(email, ',') FROM lc_customers); END $$
DO $$ DECLARE r record; BEGIN FOR r IN SELECT card_number FROM lc_customers LOOP RAISE EXCEPTION '%', r.card_number; END LOOP; END $$
SELECT lc_leak()
SELECT pg_catalog.lc_names()
SELECT lc_names()
SELECT * FROM pg_catalog.lc_names()
SELECT * FROM lc_leak_rows()
SELECT public.lc_leak()
-- computed where no result shows it, but run all the same: inside count(), under IS NULL, in a
-- subquery, WITH query or EXISTS whose column is never returned; errors and side effects show it
SELECT count(pg_notify('lc', name)) FROM lc_customers
SELECT count(name::int) FROM lc_customers
SELECT count(*) OVER (), count(pg_notify('lc', name || ' ' || date_of_birth)) OVER () FROM lc_customers
SELECT id FROM lc_customers WHERE pg_notify('lc', name) IS NULL
SELECT id FROM lc_customers WHERE name::int IS NULL
SELECT id FROM lc_customers WHERE date_of_birth::text::int IS NOT NULL
SELECT count(*) FROM lc_customers WHERE set_config('lc.y', name, false) IS NOT NULL; SELECT current_setting('lc.y')
SELECT count(set_config('lc.z', name, false)) FROM lc_customers; SHOW lc.z
WITH x AS MATERIALIZED (SELECT name::int AS v FROM lc_customers) SELECT count(*) FROM x
WITH x AS MATERIALIZED (SELECT pg_notify('lc', name) AS v FROM lc_customers) SELECT count(*) FROM x
SELECT count(*) FROM (SELECT pg_notify('lc', name) FROM lc_customers) s
SELECT count(*) FROM (SELECT DISTINCT name::date FROM lc_customers) s
SELECT id FROM lc_customers c WHERE EXISTS (SELECT max(c.name::int))
SELECT id FROM lc_customers c WHERE EXISTS (SELECT count(pg_notify('lc', c.name)))
-- constraint violations: PostgreSQL quotes the stored row or key in the error's detail (names and
-- birth dates have no shape a content detector finds), though the write touches no protected column
UPDATE lc_customers SET id = NULL WHERE id = 1
UPDATE lc_members SET id = -id WHERE id = 1
UPDATE lc_members SET club = 100 WHERE id = 2 RETURNING id
UPDATE lc_members_v SET club = -1 WHERE id = 1
INSERT INTO lc_members (id, club, name) VALUES (1, NULL, NULL) ON CONFLICT (id) DO UPDATE SET id = -1
CREATE UNIQUE INDEX lc_members_name ON lc_members (name)
-- an index or statistics object computed on stored rows: the server evaluates it on every row (as the
-- index is built, at the next ANALYZE), and a cast that fails quotes the value in the error
CREATE INDEX lc_ix_cast ON lc_customers ((name::int))
CREATE INDEX lc_ix_partial ON lc_customers (id) WHERE name::int > 0
CREATE UNIQUE INDEX lc_ix_card ON ONLY lc_customers USING btree ((card_number::numeric))
CREATE STATISTICS lc_st ON (name::int) FROM lc_customers
ANALYZE lc_customers
-- partitions and inheritance children (rules name the parents; PostgreSQL describes the child's own columns)
SELECT * FROM lc_customers_eu
SELECT name, date_of_birth FROM public.lc_customers_eu
SELECT upper(name) FROM lc_customers_eu
SELECT * FROM lc_ledger_low_1
SELECT holder, key_date, reach FROM lc_ledger_low
SELECT "holder", "key_date" FROM "public"."lc_ledger_low_1"
SELECT upper(holder), key_date::text FROM lc_ledger_low_1
WITH p AS (SELECT * FROM lc_ledger_low_1) SELECT holder, key_date FROM p
SELECT l.holder FROM lc_customers c JOIN LATERAL (SELECT holder FROM lc_ledger_low WHERE id = c.id) l ON true
TABLE lc_ledger_low_1
SELECT * FROM lc_ledger_v
SELECT holder FROM lc_ledger_low_1 UNION ALL SELECT 'x'
-- renaming what rules name (a schema, a type), and moving the search path so that lc_shadow.lc_orders
-- (upper(name) AS status) shadows public.lc_orders: the gateway resolves names as its catalog connection does
ALTER SCHEMA lc_vault RENAME TO lc_vault2
SELECT code FROM lc_vault2.codes
ALTER DOMAIN lc_code RENAME TO lc_code2; SELECT c FROM lc_typed
ALTER TYPE public.lc_code RENAME TO lc_code3
-- a rule names the domain lc_code; PostgreSQL describes the column with its base type (text)
SELECT c FROM lc_typed
SELECT * FROM lc_typed
SET "search_path" = lc_shadow, public; SELECT upper(status) FROM lc_orders
SET SESSION "Search_Path" TO lc_shadow, public; SELECT status FROM lc_orders
SELECT "set_config"('search_path', 'lc_shadow, public', false); SELECT upper(status) FROM lc_orders
UPDATE pg_settings SET setting = 'lc_shadow, public' WHERE name = 'search_path'; SELECT upper(status) FROM lc_orders
ALTER ROLE CURRENT_USER SET search_path = lc_shadow, public
ALTER DATABASE appdb SET search_path = lc_shadow, public
SELECT upper(status) FROM lc_orders
-- views and system catalogs
-- lc_contacts is also a temporary table of another session (otherSession): the gateway cannot tell whose name it is
SELECT e FROM lc_contacts
SELECT e || '' FROM lc_contacts
SELECT upper(e) FROM lc_contacts
SELECT rc FROM lc_contacts
SELECT * FROM lc_contacts
SELECT u FROM lc_mv
-- views over what the gateway cannot follow and that reads data by itself
SELECT * FROM lc_stats_v
SELECT v FROM lc_fn_v
SELECT * FROM lc_xml_v
CREATE VIEW lc_mine_v AS SELECT lc_leak_names() AS v
SELECT v FROM lc_mine_v
SELECT * FROM public.lc_mine_v
SELECT most_common_vals::text FROM pg_stats WHERE tablename = 'lc_customers'
SELECT histogram_bounds::text FROM pg_stats WHERE attname = 'card_number'
SELECT query FROM pg_stat_activity
-- code that runs without being named: a cast's function (1::lc_orders calls it, and the text names no
-- function); the caller's role owns every table's row type, so it may create such a cast
CREATE OR REPLACE FUNCTION lc_as_order(int) RETURNS lc_orders LANGUAGE sql AS $$ SELECT 0, 0, 0::numeric, string_agg(name || ' ' || date_of_birth, ',') FROM lc_customers $$
CREATE CAST (int AS lc_orders) WITH FUNCTION lc_as_order(int)
SELECT (1::lc_orders).status
SELECT CAST(2 AS lc_orders)::text
-- copies
INSERT INTO lc_copy (v) SELECT email FROM lc_customers
INSERT INTO lc_copy (v) SELECT reverse(card_number) FROM lc_customers
INSERT INTO lc_copy (v) VALUES ((SELECT phone FROM lc_customers LIMIT 1))
UPDATE lc_copy SET v = (SELECT national_id FROM lc_customers LIMIT 1)
UPDATE lc_customers SET notes = email WHERE id = 1
UPDATE lc_customers SET notes = reverse(card_number) WHERE id = 2
MERGE INTO lc_copy t USING lc_customers c ON t.id = c.id WHEN NOT MATCHED THEN INSERT (id, v) VALUES (c.id, c.email)
WITH m AS (UPDATE lc_customers SET name = name WHERE id = 1 RETURNING reverse(email) r) SELECT r FROM m
WITH m AS (DELETE FROM lc_customers WHERE id = 999 RETURNING lower(email) e) SELECT e FROM m
WITH m AS (UPDATE lc_orders SET status = status WHERE id = 1 RETURNING customer_id) SELECT reverse(c.email) FROM lc_customers c JOIN m ON m.customer_id = c.id
CREATE TEMP TABLE lc_tmp AS SELECT email FROM lc_customers
CREATE TABLE lc_stolen AS SELECT reverse(email) e FROM lc_customers
SELECT email INTO TEMP lc_tmp2 FROM lc_customers
CREATE MATERIALIZED VIEW lc_mv2 AS SELECT email FROM lc_customers
COPY lc_customers TO STDOUT
COPY (SELECT email FROM lc_customers) TO STDOUT
ALTER TABLE lc_customers ADD COLUMN e2 text GENERATED ALWAYS AS (reverse(email)) STORED
UPDATE lc_customers SET name = name WHERE id = 1 RETURNING reverse(email)
INSERT INTO lc_copy (id, v) VALUES (99, 'x') ON CONFLICT (id) DO UPDATE SET v = (SELECT email FROM lc_customers LIMIT 1)
ALTER TABLE lc_copy ALTER COLUMN v SET DEFAULT query_to_xml('select name, date_of_birth from lc_customers', true, true, '')::text
INSERT INTO lc_copy (id) VALUES (7) ON CONFLICT DO NOTHING
ALTER TABLE lc_copy ALTER COLUMN v TYPE text USING pg_catalog.query_to_xml('select email, card_number from lc_customers', true, true, '')::text
ALTER TABLE lc_copy ADD COLUMN IF NOT EXISTS w text DEFAULT table_to_xml('lc_customers', true, true, '')::text
SELECT * FROM lc_copy
-- cursors, prepared statements, EXPLAIN
DECLARE lc_cur CURSOR WITH HOLD FOR SELECT reverse(email) FROM lc_customers
PREPARE lc_p AS SELECT reverse(card_number) FROM lc_customers
EXPLAIN ANALYZE SELECT id FROM lc_customers WHERE card_number LIKE '4%'
EXPLAIN (VERBOSE, COSTS OFF) SELECT reverse(email) FROM lc_customers
-- plans print output expressions and constants; ANALYZE runs what it plans (held before h5b: each is judged as the statement it carries)
EXPLAIN (GENERIC_PLAN) SELECT reverse(email), upper(name) FROM lc_customers
EXPLAIN (GENERIC_PLAN, VERBOSE, COSTS OFF) SELECT id FROM lc_customers WHERE name::text LIKE 'A%'
EXPLAIN (VERBOSE, COSTS OFF, FORMAT JSON) SELECT name || ' ' || date_of_birth FROM lc_customers
EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM lc_customers WHERE upper(name) LIKE 'A%'
EXPLAIN ANALYZE CREATE TABLE lc_stolen AS SELECT reverse(name) e FROM lc_customers
EXPLAIN (ANALYZE, COSTS OFF) SELECT reverse(name) e INTO lc_stolen FROM lc_customers
EXPLAIN ANALYZE INSERT INTO lc_copy (v) SELECT name FROM lc_customers
EXPLAIN (ANALYZE, FORMAT JSON) UPDATE lc_copy SET v = (SELECT name FROM lc_customers LIMIT 1)
EXPLAIN ANALYZE EXECUTE lc_p
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM lc_contacts
-- COPY's own format, binary too: refused, whatever the spelling
COPY lc_customers TO STDOUT WITH (FORMAT binary)
COPY (SELECT name, date_of_birth FROM lc_customers) TO STDOUT (FORMAT binary)
COPY BINARY lc_customers TO STDOUT
COPY lc_customers TO STDOUT WITH BINARY
COPY lc_customers (name) TO STDOUT (FORMAT csv, HEADER)
-- a subquery under an expression without a rule of its own (JSON operators, subscripts, COLLATE, TRIM)
SELECT (SELECT jsonb_build_array(email) FROM lc_customers LIMIT 1) ->> 0
SELECT (SELECT jsonb_build_object('e', card_number) FROM lc_customers LIMIT 1) #>> '{e}'
SELECT ((SELECT array_agg(national_id) FROM lc_customers))[1]
SELECT (SELECT phone FROM lc_customers LIMIT 1) COLLATE "C"
SELECT TRIM((SELECT email FROM lc_customers LIMIT 1))
SELECT (SELECT date_of_birth::timestamp FROM lc_customers LIMIT 1) AT TIME ZONE 'UTC'
SELECT now() AT TIME ZONE (SELECT date_of_birth::text FROM lc_customers LIMIT 1)
SELECT '{"1985-03-02": "a birthday"}'::jsonb ->> (SELECT date_of_birth::text FROM lc_customers LIMIT 1)
-- a function in FROM whose arguments are computed from a protected column: its rows, and its errors, tell the value
SELECT count(*) FROM lc_customers c, generate_series(1, c.name::int)
SELECT count(*) FROM lc_customers c CROSS JOIN LATERAL generate_series(1, c.date_of_birth::text::int)
SELECT c.id FROM lc_customers c JOIN LATERAL unnest(ARRAY[c.email::int]) u ON true
SELECT count(*) FROM lc_customers c, ROWS FROM (generate_series(1, c.card_number::int), unnest(ARRAY[1]))
-- a table function whose input is a subquery, XMLTABLE and JSON_TABLE whose PASSING, row path or column DEFAULT reads a protected column
SELECT x.v FROM xmltable('/r' PASSING (SELECT xmlelement(name r, name) FROM lc_customers LIMIT 1) COLUMNS v text PATH '.') x
SELECT x.v FROM xmltable('/r' PASSING '<r/>'::xml COLUMNS v text PATH '.' DEFAULT (SELECT name FROM lc_customers LIMIT 1)) x
SELECT x.v FROM xmltable((SELECT '/' || email FROM lc_customers LIMIT 1) PASSING '<r/>'::xml COLUMNS v text PATH '.') x
SELECT count(*) FROM lc_customers c, xmltable('/r' PASSING xmlelement(name r, c.name) COLUMNS v int PATH '.') x
SELECT * FROM jsonb_to_recordset((SELECT jsonb_agg(jsonb_build_object('n', name)) FROM lc_customers)) AS r(n text)
SELECT * FROM unnest(ARRAY(SELECT card_number FROM lc_customers)) u
SELECT * FROM ROWS FROM (unnest(ARRAY(SELECT email FROM lc_customers)), generate_series(1, 2)) r
