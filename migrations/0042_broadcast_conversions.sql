CREATE TABLE "broadcast_conversions" (
	"event_id" bigint PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"broadcast_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"amount" numeric(14, 2),
	"currency" text,
	"attributed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "broadcast_conversions" ADD CONSTRAINT "broadcast_conversions_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "broadcast_conversions_broadcast_idx" ON "broadcast_conversions" USING btree ("broadcast_id","contact_id");--> statement-breakpoint
CREATE INDEX "broadcast_conversions_contact_idx" ON "broadcast_conversions" USING btree ("workspace_id","contact_id");