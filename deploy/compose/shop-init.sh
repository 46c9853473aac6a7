#!/usr/bin/env bash
# The demo's shop database (run once by the postgres image at first start): synthetic customers
# and orders, and the role the gateway logs in as. Callers never see its password.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U postgres -d shop -v pw="$SHOP_DB_PASSWORD" <<'SQL'
CREATE ROLE shop_app LOGIN PASSWORD :'pw';
CREATE TABLE customers (
  id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL, phone text, card_number text,
  date_of_birth date, notes text);
CREATE TABLE orders (
  id serial PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10,2), placed_at timestamptz);
INSERT INTO customers (name, email, phone, card_number, date_of_birth, notes)
SELECT 'Customer ' || i, 'customer' || i || '@example.com', '+1555' || lpad(i::text, 7, '0'),
       '4111' || lpad((i * 7919)::text, 12, '0'), date '1960-01-01' + (i * 37) % 15000, 'synthetic'
FROM generate_series(1, 500) AS i;
INSERT INTO orders (customer_id, total, placed_at)
SELECT 1 + i % 500, (i * 13) % 900 + 0.99, now() - (i || ' hours')::interval FROM generate_series(1, 2000) AS i;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO shop_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO shop_app;
SQL
