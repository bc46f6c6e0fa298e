CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`hashed_secret` text NOT NULL,
	`user_id` text NOT NULL,
	`last_used` integer,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`login_type` text NOT NULL,
	`lifetime_seconds` integer DEFAULT 86400 NOT NULL,
	`ip_address` text DEFAULT '0.0.0.0' NOT NULL,
	`scopes` text DEFAULT '["all"]' NOT NULL,
	`token_name` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `api_keys_user_id` ON `api_keys` (`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_user_token_name_unique` ON `api_keys` (`user_id`,`token_name`) WHERE "api_keys"."token_name" <> '';--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`time` integer NOT NULL,
	`action` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text DEFAULT '' NOT NULL,
	`user_id` text,
	`ip_address` text NOT NULL,
	`user_agent` text DEFAULT '' NOT NULL,
	`status_code` integer NOT NULL,
	`request_id` text NOT NULL,
	`additional_fields` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_time` ON `audit_log` (`time`);--> statement-breakpoint
CREATE INDEX `audit_log_user_id` ON `audit_log` (`user_id`);--> statement-breakpoint
CREATE TABLE `organization_members` (
	`user_id` text NOT NULL,
	`organization_id` text NOT NULL,
	`roles` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`organization_id`, `user_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `organization_members_user_id` ON `organization_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`display_name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`icon` text DEFAULT '' NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organizations_name_unique` ON `organizations` (`name`);--> statement-breakpoint
CREATE TABLE `user_links` (
	`user_id` text NOT NULL,
	`login_type` text NOT NULL,
	`linked_id` text NOT NULL,
	`oauth_expiry` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `login_type`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_links_linked_id_unique` ON `user_links` (`login_type`,`linked_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`email_normalized` text NOT NULL,
	`username` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`avatar_url` text DEFAULT '' NOT NULL,
	`hashed_password` text DEFAULT '' NOT NULL,
	`login_type` text DEFAULT 'password' NOT NULL,
	`status` text DEFAULT 'dormant' NOT NULL,
	`rbac_roles` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_seen_at` integer,
	`deleted` integer DEFAULT false NOT NULL,
	`hashed_one_time_passcode` text,
	`one_time_passcode_expires_at` integer,
	`one_time_passcode_failed_attempts` integer DEFAULT 0 NOT NULL,
	CONSTRAINT "users_one_time_passcode_pair" CHECK(("users"."hashed_one_time_passcode" IS NULL) = ("users"."one_time_passcode_expires_at" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_normalized_unique` ON `users` (`email_normalized`) WHERE "users"."deleted" = 0;--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_lower_unique` ON `users` (lower("username")) WHERE "users"."deleted" = 0;