#!/usr/bin/env python3
"""Writes the demo repository's GitHub REST export (as `gh api --paginate` would save it) into OUT.

Usage: demo-github.py OUT KEY=SHA...   with the commit ids demo.sh recorded.
PR #41 (merge commit) is reviewed and green; PR #43 (squash) is approved only by its own author and a bot, and
one check failed: the exceptions an auditor should see. The hotfix was pushed directly and has no PR at all.
"""
import json, os, sys

out = sys.argv[1]
sha = dict(arg.split("=", 1) for arg in sys.argv[2:])
repo = "acme/api"


def user(login, kind="User"):
    return {"login": login, "id": sum(map(ord, login)), "type": kind, "site_admin": False,
            "html_url": f"https://github.com/{login}", "url": f"https://api.github.com/users/{login}"}


def write(path, value):
    full = os.path.join(out, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def pull(number, title, author, merged_at, merge_sha, head_sha, head_ref, body):
    return {"url": f"https://api.github.com/repos/{repo}/pulls/{number}", "id": 9000 + number, "number": number,
            "html_url": f"https://github.com/{repo}/pull/{number}", "state": "closed", "title": title, "user": user(author),
            "body": body, "created_at": "2026-07-01T08:00:00Z", "closed_at": merged_at, "merged_at": merged_at,
            "merge_commit_sha": merge_sha, "head": {"ref": head_ref, "sha": head_sha}, "base": {"ref": "main", "sha": sha["base"]},
            "draft": False, "author_association": "MEMBER"}


def review(rid, login, state, at, commit, kind="User"):
    return {"id": rid, "user": user(login, kind), "body": "", "state": state, "submitted_at": at, "commit_id": commit,
            "html_url": f"https://github.com/{repo}/pull/0#pullrequestreview-{rid}", "author_association": "MEMBER"}


def commit(commit_sha, login, name, email, date, message):
    person = {"name": name, "email": email, "date": date}
    return {"sha": commit_sha, "commit": {"author": person, "committer": person, "message": message},
            "author": user(login), "committer": user(login), "parents": []}


def checks(head, runs):
    return {"total_count": len(runs), "check_runs": [
        {"id": 7000 + i, "name": name, "head_sha": head, "status": "completed", "conclusion": conclusion,
         "started_at": "2026-07-06T10:00:00Z", "completed_at": "2026-07-06T10:05:00Z", "app": {"slug": "github-actions"}}
        for i, (name, conclusion) in enumerate(runs)]}


# gh api --paginate writes one array per page, back to back.
pulls = [
    pull(43, "Add production VPC", "carol", "2026-07-21T08:30:00Z", sha["squash43"], sha["vpc"], "feature/vpc",
         "Adds the VPC the new services run in.\n\nPlan reviewed in the infra channel."),
    pull(41, "Add orders table", "bob", "2026-07-07T14:03:00Z", sha["merge41"], sha["orders2"], "feature/orders",
         "Orders get their own table, with a down migration.\n\nCloses #12."),
]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "pulls.json"), "w") as f:
    for page in (pulls[:1], pulls[1:]):
        json.dump(page, f, indent=2)
        f.write("\n")

write("pulls/41/reviews.json", [review(1, "carol", "APPROVED", "2026-07-06T12:00:00Z", sha["orders2"])])
write("pulls/41/commits.json", [
    commit(sha["orders1"], "bob", "Bob Roe", "bob@acme.example", "2026-07-06T07:12:00Z", "Add orders table"),
    commit(sha["orders2"], "bob", "Bob Roe", "bob@acme.example", "2026-07-06T09:40:00Z", "Add down migration and journal entry"),
])
write(f"commits/{sha['orders2']}/check-runs.json", checks(sha["orders2"], [("build", "success"), ("test", "success")]))

write("pulls/43/reviews.json", [
    review(2, "carol", "APPROVED", "2026-07-20T11:00:00Z", sha["vpc"]),
    review(3, "renovate[bot]", "APPROVED", "2026-07-20T11:05:00Z", sha["vpc"], "Bot"),
])
write("pulls/43/commits.json", [commit(sha["vpc"], "carol", "Carol Poe", "carol@acme.example", "2026-07-20T10:00:00Z", "wip vpc")])
write(f"commits/{sha['vpc']}/check-runs.json", checks(sha["vpc"], [("build", "success"), ("terraform-plan", "failure")]))

write("branches/main/protection.json", {
    "required_status_checks": {"strict": True, "contexts": ["build"], "checks": [{"context": "build", "app_id": None}]},
    "enforce_admins": {"enabled": False},
    "required_pull_request_reviews": {"dismiss_stale_reviews": True, "required_approving_review_count": 1},
    "allow_force_pushes": {"enabled": False}, "allow_deletions": {"enabled": False}})
