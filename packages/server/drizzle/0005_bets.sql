CREATE TABLE "bets" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"hit_id" text,
	"event_id" text,
	"sport" text NOT NULL,
	"event" text NOT NULL,
	"market" text NOT NULL,
	"outcome" text NOT NULL,
	"point" double precision,
	"book" text NOT NULL,
	"price" double precision NOT NULL,
	"stake" double precision NOT NULL,
	"placed_at" timestamp with time zone NOT NULL,
	"fair_odds_at_placement" double precision,
	"fair_source" text,
	"closing_fair_odds" double precision,
	"clv" double precision,
	"result" text,
	"payout" double precision,
	"settled_at" timestamp with time zone,
	"notes" text,
	"clv_expected" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bets" ADD CONSTRAINT "bets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bets_user_id_idx" ON "bets" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "bets_event_idx" ON "bets" USING btree ("event_id");