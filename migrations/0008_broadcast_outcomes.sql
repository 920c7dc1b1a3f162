CREATE TABLE "broadcast_test_sends" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "broadcast_test_sends_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"broadcast_id" uuid NOT NULL,
	"to_phone" text NOT NULL,
	"wamid" text,
	"error" text,
	"sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "broadcast_recipients" DROP CONSTRAINT "broadcast_recipients_state_check";--> statement-breakpoint
ALTER TABLE "broadcast_test_sends" ADD CONSTRAINT "broadcast_test_sends_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcast_test_sends" ADD CONSTRAINT "broadcast_test_sends_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "broadcast_test_sends_broadcast_idx" ON "broadcast_test_sends" USING btree ("broadcast_id","id");--> statement-breakpoint
ALTER TABLE "broadcast_recipients" ADD CONSTRAINT "broadcast_recipients_state_check" CHECK (state IN ('queued', 'claimed', 'sending', 'uncertain', 'accepted', 'skipped', 'failed', 'cancelled', 'excluded'));