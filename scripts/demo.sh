#!/usr/bin/env bash
# `make demo`: builds a small, realistic repository with fixed dates and shows the population of
# migration and infrastructure changes for an audit window. (The sample is made with the git CLI;
# git-evidence itself reads it through libgit2.)
set -euo pipefail
BIN="${1:?usage: demo.sh PATH/TO/git-evidence}"
WORK="${DEMO_WORK:-demo-work}"
REPO="$WORK/acme-api"
rm -rf "$REPO"
mkdir -p "$REPO"

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
g() { git -C "$REPO" "$@"; }
as() { # as NAME EMAIL DATE -- git args...
  local name=$1 email=$2 date=$3; shift 4
  GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$email" GIT_AUTHOR_DATE="$date" \
  GIT_COMMITTER_NAME="$name" GIT_COMMITTER_EMAIL="$email" GIT_COMMITTER_DATE="$date" g "$@"
}
put() { mkdir -p "$(dirname "$REPO/$1")"; printf '%b' "$2" > "$REPO/$1"; g add -- "$1"; }

g init -q -b main
g remote add origin https://github.com/acme/api.git  # as a clone of the GitHub repository has
put src/index.ts 'export const app = "acme";\n'
put drizzle/0000_init.sql 'CREATE TABLE "users" ("id" serial PRIMARY KEY, "email" text NOT NULL);\n'
put drizzle/0000_init.down.sql 'DROP TABLE "users";\n'
put drizzle/meta/_journal.json '{"version":"7","dialect":"postgresql","entries":[{"idx":0,"tag":"0000_init","when":1782813600000}]}\n'
put infra/prod/main.tf 'terraform {\n  required_version = ">= 1.6"\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "~> 5.0" }\n  }\n}\n'
put infra/prod/.terraform.lock.hcl 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.40.0"\n}\n'
as "Alice Doe" alice@acme.example 2026-06-20T10:00:00Z -- commit -q -m "Initial schema and infrastructure"
BASE=$(g rev-parse HEAD)

# PR #41, merged with a merge commit: a new table and its down migration.
g checkout -q -b feature/orders
put drizzle/0001_orders.sql 'CREATE TABLE "orders" ("id" serial PRIMARY KEY, "user_id" integer REFERENCES "users");\n'
as "Bob Roe" bob@acme.example 2026-07-06T09:12:00+02:00 -- commit -q -m "Add orders table"
ORDERS1=$(g rev-parse HEAD)
put drizzle/0001_orders.down.sql 'DROP TABLE "orders";\n'
put drizzle/meta/_journal.json '{"version":"7","dialect":"postgresql","entries":[{"idx":0,"tag":"0000_init","when":1782813600000},{"idx":1,"tag":"0001_orders","when":1783322000000}]}\n'
as "Bob Roe" bob@acme.example 2026-07-06T11:40:00+02:00 -- commit -q -m "Add down migration and journal entry"
ORDERS2=$(g rev-parse HEAD)
g checkout -q main
as "GitHub" noreply@github.com 2026-07-07T14:03:00Z -- merge -q --no-ff -m "Merge pull request #41 from acme/feature/orders" feature/orders
MERGE41=$(g rev-parse HEAD)

# App-only work and look-alike names: not part of the population.
put src/db/migrate.ts 'export async function migrate() {}\n'
put docs/terraform-guide.md '# How we use Terraform\n'
as "Carol Poe" carol@acme.example 2026-07-09T16:20:00Z -- commit -q -m "Document the migration runner (#42)"

# PR #43, squashed: a VPC module.
g checkout -q -b feature/vpc
put infra/prod/vpc.tf 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
as "Carol Poe" carol@acme.example 2026-07-20T10:00:00Z -- commit -q -m "wip vpc"
VPC=$(g rev-parse HEAD)
g checkout -q main
g merge -q --squash feature/vpc >/dev/null
GIT_COMMITTER_NAME=GitHub GIT_COMMITTER_EMAIL=noreply@github.com GIT_COMMITTER_DATE=2026-07-21T08:30:00Z \
  as "Carol Poe" carol@acme.example 2026-07-21T08:30:00Z -- commit -q -m "Add production VPC (#43)"
SQUASH43=$(g rev-parse HEAD)

# A direct push to main, with no down migration: the kind of change an auditor asks about.
put drizzle/0002_hotfix_index.sql 'CREATE INDEX "orders_user_idx" ON "orders" ("user_id");\n'
as "Dave Hoe" dave@acme.example 2026-08-14T23:55:00-07:00 -- commit -q -m "hotfix: index orders by user"

# October: outside the third quarter.
put infra/prod/vpc.tf 'resource "aws_vpc" "main" {\n  cidr_block = "10.1.0.0/16"\n}\n'
# drizzle-kit's settings, committed with it: the out folder it names is the one that holds the migrations.
put drizzle.config.ts 'import { defineConfig } from "drizzle-kit";\n\nexport default defineConfig({\n  schema: "./src/db/schema.ts",\n  out: "./drizzle",\n  dialect: "postgresql",\n});\n'
as "Carol Poe" carol@acme.example 2026-10-02T09:00:00Z -- commit -q -m "Widen VPC range (#44)"
g branch -q -D feature/orders feature/vpc

# The GitHub REST export, as `gh api --paginate` saves it.
rm -rf "$WORK/github" "$WORK/keys" "$WORK/evidence-2026-Q3" "$WORK/evidence-2026-Q3.tar.gz"
python3 "$(dirname "$0")/demo-github.py" "$WORK/github" base="$BASE" orders1="$ORDERS1" orders2="$ORDERS2" \
  merge41="$MERGE41" vpc="$VPC" squash43="$SQUASH43"

# What production ran: Drizzle's table as `psql -c "\\copy drizzle.__drizzle_migrations to ... csv header"` writes
# it, and the deploy pipeline's event log. Row 3 is an edited copy of 0001 someone ran by hand; the first
# Terraform apply came from the VPC branch before review.
mkdir -p "$WORK/ledgers"
h() { sha256sum | cut -c1-64; }
ORDERS_HASH=$(h < "$REPO/drizzle/0001_orders.sql")
{
  echo "id,hash,created_at"
  echo "1,$(h < "$REPO/drizzle/0000_init.sql"),1782813600000"
  echo "2,$ORDERS_HASH,1783322000000"
  echo "3,$(printf 'CREATE TABLE "orders" ("id" serial PRIMARY KEY, "user_id" integer);\n' | h),1783322000000"
} > "$WORK/ledgers/drizzle_migrations.csv"
ev() { # ev ID TYPE TIME USER PAYLOAD
  printf '{"event_id":"%s","aggregate_id":"deploy-prod","event_type":"%s","timestamp":"%s","user_id":"%s","payload":%s,"metadata":{"source":"github-actions"}}\n' "$@"
}
{
  ev e-1001 MigrationApplied 2026-07-07T15:10:00Z deploy-bot "{\"migration\":\"0001_orders\",\"hash\":\"$ORDERS_HASH\",\"environment\":\"production\",\"run_id\":\"gh-8812\"}"
  ev e-1002 TerraformApplied 2026-07-20T12:00:00Z carol "{\"commit\":\"$VPC\",\"workspace\":\"prod\",\"run_id\":\"tf-311\"}"
  ev e-1003 TerraformApplied 2026-07-21T09:00:00Z deploy-bot "{\"commit\":\"$SQUASH43\",\"workspace\":\"prod\",\"run_id\":\"tf-312\"}"
} > "$WORK/ledgers/deploy-events.jsonl"

run() { echo; echo "\$ git-evidence $*"; "$BIN" "$@"; }
echo "sample repository: $REPO (Drizzle migrations, Terraform; merge, squash and a direct push; a Drizzle ledger and a deploy event log)"
run changes --repo "$REPO" --window 2026-Q3
run keygen --out "$WORK/keys"
run export --repo "$REPO" --window 2026-Q3 --github "$WORK/github" --key "$WORK/keys/signing.key.pem" \
  --ledger "drizzle:$WORK/ledgers/drizzle_migrations.csv" --ledger "$WORK/ledgers/deploy-events.jsonl" \
  --out "$WORK/evidence-2026-Q3" --archive
run verify "$WORK/evidence-2026-Q3" --key "$WORK/keys/signing.pub.pem" --repo "$REPO"
echo
echo "failing controls (from $WORK/evidence-2026-Q3/findings.json):"
python3 -c 'import json,sys
for f in json.load(open(sys.argv[1])):
    if f["status"] == "fail": print("  %-30s %-12s  %s" % (f["control"], (f["change"] or "-")[:12], f["detail"]))' "$WORK/evidence-2026-Q3/findings.json"
echo
echo "the auditor's report: $WORK/evidence-2026-Q3/report.html (and report.md), signed with the bundle"
echo
echo "an engineer asks when the orders table came in, why, and whether it ran and can be reverted:"
run why drizzle/0001_orders.sql --repo "$REPO" --github "$WORK/github" \
  --ledger "drizzle:$WORK/ledgers/drizzle_migrations.csv" --ledger "$WORK/ledgers/deploy-events.jsonl"
