-- The email address of whoever created a service-account key, beside their subject: the same person
-- signed in as another identity (an API key and an account at the identity provider, each with its
-- own subject) holds the key's secret all the same, and must not approve what is run with it, nor
-- approve with it what they run. Keys created before hold none and are matched by subject alone.
ALTER TABLE service_account_key ADD COLUMN created_by_email VARCHAR(320);
