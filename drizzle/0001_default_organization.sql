-- Coder creates one default organization when it first starts; every user joins it. Its id is
-- a random UUID v4, generated here so each deployment gets its own.
INSERT INTO organizations (id, name, display_name, description, icon, is_default, created_at, updated_at)
SELECT
  lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' ||
    hex(randomblob(6))
  ),
  'coder',
  'Coder',
  'Builtin default organization.',
  '',
  1,
  CAST(unixepoch('subsec') * 1000 AS INTEGER),
  CAST(unixepoch('subsec') * 1000 AS INTEGER)
WHERE NOT EXISTS (SELECT 1 FROM organizations WHERE is_default = 1);
--> statement-breakpoint
CREATE UNIQUE INDEX organizations_single_default ON organizations (is_default) WHERE is_default = 1;
