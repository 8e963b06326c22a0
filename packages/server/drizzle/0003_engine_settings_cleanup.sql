-- Custom migration: engine settings that poisoned data (issue 12).
-- A hit with a negative EV was never a +EV bet (stored while min_ev < 0 was accepted).
DELETE FROM "ev_hits" WHERE "ev" < 0 OR "best_ev" < 0;
--> statement-breakpoint
-- A saved engine-settings row outside the ranges the API now enforces is removed: the
-- environment defaults apply again (the server already ignored a row that does not validate).
DELETE FROM "app_settings" WHERE "key" IN (
  SELECT "key" FROM (
    SELECT "key", "value",
      CASE WHEN jsonb_typeof("value"->'min_ev') = 'number' THEN ("value"->>'min_ev')::double precision END AS min_ev,
      CASE WHEN jsonb_typeof("value"->'suspect_ev') = 'number' THEN ("value"->>'suspect_ev')::double precision END AS suspect_ev,
      CASE WHEN jsonb_typeof("value"->'min_sharp_books') = 'number' THEN ("value"->>'min_sharp_books')::double precision END AS min_sharp_books,
      CASE WHEN jsonb_typeof("value"->'sharp_max_age') = 'number' THEN ("value"->>'sharp_max_age')::double precision END AS sharp_max_age,
      CASE WHEN jsonb_typeof("value"->'soft_max_age') = 'number' THEN ("value"->>'soft_max_age')::double precision END AS soft_max_age,
      CASE WHEN jsonb_typeof("value"->'scan_interval') = 'number' THEN ("value"->>'scan_interval')::double precision END AS scan_interval
    FROM "app_settings"
    WHERE "key" = 'engine' AND jsonb_typeof("value") = 'object'
  ) AS s
  WHERE ("value" ? 'min_ev' AND (min_ev IS NULL OR min_ev < 0))
    OR ("value" ? 'suspect_ev' AND (suspect_ev IS NULL OR suspect_ev <= 0 OR suspect_ev <= coalesce(min_ev, 0)))
    OR ("value" ? 'min_sharp_books' AND (min_sharp_books IS NULL OR min_sharp_books < 1))
    OR ("value" ? 'sharp_max_age' AND (sharp_max_age IS NULL OR sharp_max_age <= 0))
    OR ("value" ? 'soft_max_age' AND (soft_max_age IS NULL OR soft_max_age <= 0))
    OR ("value" ? 'scan_interval' AND (scan_interval IS NULL OR scan_interval < 1 OR scan_interval > 3600))
    OR ("value" ? 'exchange_commission' AND (
      jsonb_typeof("value"->'exchange_commission') IS DISTINCT FROM 'object'
      OR EXISTS (
        SELECT 1 FROM jsonb_each(
          CASE WHEN jsonb_typeof("value"->'exchange_commission') = 'object' THEN "value"->'exchange_commission' ELSE '{}'::jsonb END
        ) AS c(book, rate)
        WHERE jsonb_typeof(c.rate) IS DISTINCT FROM 'number'
          OR CASE WHEN jsonb_typeof(c.rate) = 'number' THEN (c.rate #>> '{}')::double precision END < 0
          OR CASE WHEN jsonb_typeof(c.rate) = 'number' THEN (c.rate #>> '{}')::double precision END >= 1
      )))
  UNION ALL
  SELECT "key" FROM "app_settings" WHERE "key" = 'engine' AND jsonb_typeof("value") IS DISTINCT FROM 'object'
);
