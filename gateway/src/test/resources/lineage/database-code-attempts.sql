-- Statements that make the database run code a DBA wrote, which reads dc_customers, while the
-- statement names none of it. One per line; each must be refused or return nothing in clear
-- (DatabaseCodeThroughGatewayTest). dc_audit is a table with no protected column the code copies into.
-- a cast's function, reached by naming its type, a domain over it or an array of it (a bare literal
-- 'x'::dc_badge is read by the type's input function, not the cast)
SELECT 'x'::text::dc_badge
SELECT CAST(current_user::text AS dc_badge)
SELECT 'x'::text::dc_badge_d
SELECT ARRAY['x'::text]::dc_badge[]
SELECT (('x'::text)::dc_badge).v
SELECT * FROM (VALUES ('x'::text::dc_badge)) t(b)
-- an assignment cast, reached by writing a column of its type
INSERT INTO dc_tagged VALUES (1, 1) RETURNING (t).v
-- a statement trigger copying into a table the caller reads, through a view, a foreign key's action, a partition
INSERT INTO dc_inbox VALUES (1, 'x'); SELECT v FROM dc_audit
INSERT INTO dc_inbox_v VALUES (2, 'y'); SELECT v FROM dc_audit
WITH w AS (INSERT INTO dc_inbox VALUES (3, 'z') RETURNING id) SELECT v FROM dc_audit, w
DELETE FROM dc_parent WHERE id = 1; SELECT v FROM dc_audit
INSERT INTO dc_events VALUES (1); SELECT v FROM dc_audit
-- a row trigger on the protected table copying OLD.name
UPDATE dc_customers SET tier = tier + 1 WHERE id = 1; SELECT v FROM dc_audit
-- a trigger whose dynamic SQL names nothing
INSERT INTO dc_queue VALUES (1); SELECT v FROM dc_audit
-- a column default calling a function that reads names
INSERT INTO dc_tickets (id) VALUES (1) RETURNING v
-- a rule
INSERT INTO dc_ruled VALUES (1); SELECT v FROM dc_audit
-- a domain's CHECK
SELECT 'x'::dc_checked; SELECT v FROM dc_audit
-- an event trigger
CREATE TABLE dc_mine (a int); SELECT v FROM dc_audit
