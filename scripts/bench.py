#!/usr/bin/env python3
"""Benchmark for `git-evidence changes` (run by `make bench`).

Builds a synthetic repository of 20,000 first-parent commits (every 25th a merge of a side branch) with an
app tree of 2,000 files, Drizzle and Django-style migration folders and Terraform roots, using
`git fast-import` with fixed dates so the repository is the same on every machine. Then, on the same
repository, times the tool's full-history `changes` beside
`git log --first-parent --diff-merges=first-parent --no-renames --name-only -- <same paths>`, checks that both
list the same commits, and reports peak memory at 5k, 10k and 20k commits of history. Then exports a small
repository with an event-log ledger of 10^4, 10^5 and 10^6 rows applying one migration (BENCH_LEDGER_ROWS=a,b,...
for other sizes) and reports rows per second and peak memory: 12 bytes a row and nothing else growing with the
rows (the log is streamed, and copied into the bundle from its file). Then collects a window of 1,000 pull requests from the
fake GitHub (see collection()). `why` is timed beside git log --follow, git log -S and git blame (see why()).
`org` exports 24 repositories with --jobs 2 beside --jobs 1 (see org()). BENCH_ONLY=collection, BENCH_ONLY=ledgers,
BENCH_ONLY=why or BENCH_ONLY=org runs only that one.
"""
import os, random, subprocess, sys, time

BINARY = sys.argv[1]
WORK = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "bench-work")
COMMITS = int(os.environ.get("BENCH_COMMITS", "20000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
REPO = os.path.join(WORK, f"synthetic-{COMMITS}.git")
PATHSPECS = [":(glob)" + p for p in [
    "**/migrations/**", "**/drizzle/**", "**/db/migrate/**", "**/alembic/versions/**", "**/migrations/versions/**",
    "**/[0-9]*_*/migration.sql", "**/V[0-9]*__*.sql", "**/U[0-9]*__*.sql", "**/R__*.sql",
    "**/*.tf", "**/*.tf.json", "**/*.tfvars", "**/*.tfvars.json", "**/.terraform.lock.hcl",
    ".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml", ".gitlab/ci/**/*.yml", "atlantis.yaml", "atlantis.yml"]]
# The root package.json is a pipeline path only when its scripts change, which no pathspec says; the synthetic
# repository has none, so git log's list and the tool's stay comparable.
GIT_ENV = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")


def build_repository():
    if os.path.exists(os.path.join(REPO, "HEAD")):
        return
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", REPO], check=True, env=GIT_ENV)
    rng = random.Random(20261121)
    out = []

    def data(text):
        raw = text.encode()
        out.append(b"data %d\n" % len(raw) + raw + b"\n")

    def modify(path, text):
        out.append(b"M 100644 inline %s\n" % path.encode())
        data(text)

    when = 1_600_000_000
    mark = 0
    prev = None
    migration = 0
    for n in range(1, COMMITS + 1):
        when += 600
        side = None
        if n > 1 and n % 25 == 0:
            # A side-branch commit that the next main commit merges (GitHub's merge commit).
            mark += 1
            side = mark
            out.append(b"commit refs/heads/side\nmark :%d\n" % side)
            out.append(b"author Dev <dev@example.com> %d +0000\ncommitter Dev <dev@example.com> %d +0000\n" % (when - 300, when - 300))
            data(f"side work {n}")
            out.append(b"from :%d\n" % prev)
            migration += 1
            modify(f"db/migrations/{migration:05d}_side.py", f"# migration {migration}\n")
            modify(f"src/mod{rng.randrange(200)}/file{rng.randrange(10)}.ts", f"export const side = {n}\n")
        mark += 1
        out.append(b"commit refs/heads/main\nmark :%d\n" % mark)
        out.append(b"author Dev <dev@example.com> %d +0000\ncommitter Dev <dev@example.com> %d +0000\n" % (when, when))
        data(f"change {n}" if side is None else f"Merge pull request #{n} from acme/side")
        if prev is not None:
            out.append(b"from :%d\n" % prev)
        if side is not None:
            out.append(b"merge :%d\n" % side)
        if n == 1:
            for module in range(200):
                for index in range(10):
                    modify(f"src/mod{module}/file{index}.ts", f"export const v = {module * 10 + index}\n")
            modify("infra/prod/main.tf", 'terraform { required_version = ">= 1.6" }\n')
            modify("infra/staging/main.tf", 'terraform { required_version = ">= 1.6" }\n')
            modify("drizzle/meta/_journal.json", '{"entries":[]}\n')
            modify("docs/terraform-guide.md", "# guide\n")
        else:
            for _ in range(rng.randrange(1, 4)):
                modify(f"src/mod{rng.randrange(200)}/file{rng.randrange(10)}.ts", f"export const v = {n}\n")
            if n % 40 == 0:
                migration += 1
                modify(f"drizzle/{migration:05d}_change.sql", f"CREATE TABLE t{migration} (id int);\n")
                modify("drizzle/meta/_journal.json", f'{{"entries":[{migration}]}}\n')
            if n % 97 == 0:
                modify(f"infra/{rng.choice(['prod', 'staging'])}/main.tf", f'terraform {{ required_version = ">= 1.{n % 9}" }}\n')
        prev = mark
        for checkpoint in (5000, 10000, 20000, 40000):
            if n == checkpoint and n < COMMITS:
                out.append(b"reset refs/heads/history-%d\nfrom :%d\n\n" % (n, mark))
    stream = b"".join(out)
    subprocess.run(["git", "-C", REPO, "fast-import", "--quiet"], input=stream, check=True, env=GIT_ENV)
    # A maintained repository is packed and has a commit-graph; give git that advantage too.
    subprocess.run(["git", "-C", REPO, "gc", "-q"], check=True, env=GIT_ENV)


def measure(command):
    """Best wall time over RUNS runs, and stdout of the last run."""
    best, stdout = None, b""
    for _ in range(RUNS):
        start = time.perf_counter()
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=GIT_ENV)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"bench: {' '.join(command)} failed: {proc.stderr.decode().strip()}")
        best = elapsed if best is None else min(best, elapsed)
        stdout = proc.stdout
    return best, stdout


def peak_rss(command):
    """Peak RSS (KiB) of one run, measured with wait4 so each run is its own number."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=GIT_ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"bench: {' '.join(command)} failed")
    return usage.ru_maxrss


def main():
    if os.environ.get("BENCH_ONLY") == "collection":
        return collection()
    if os.environ.get("BENCH_ONLY") == "ledgers":
        return ledgers()
    if os.environ.get("BENCH_ONLY") == "org":
        return org()
    if os.environ.get("BENCH_ONLY") == "why":
        build_repository()
        return why()
    start = time.perf_counter()
    build_repository()
    count = subprocess.run(["git", "-C", REPO, "rev-list", "--count", "main"], capture_output=True, text=True, env=GIT_ENV).stdout.strip()
    first_parent = subprocess.run(["git", "-C", REPO, "rev-list", "--first-parent", "--count", "main"], capture_output=True, text=True, env=GIT_ENV).stdout.strip()
    print(f"repository: {REPO}")
    print(f"  {first_parent} first-parent commits, {count} commits in all (built in {time.perf_counter() - start:.1f}s)")

    ours = [BINARY, "changes", "--repo", REPO, "--branch", "main", "--json"]
    git = ["git", "-C", REPO, "log", "--first-parent", "--diff-merges=first-parent", "--no-renames",
           "--name-only", "--format=%H", "main", "--"] + PATHSPECS
    tool_time, tool_out = measure(ours)
    git_time, git_out = measure(git)
    tool_commits = [line.split(b'"commit":"')[1][:40] for line in tool_out.splitlines()]
    git_commits = [line for line in git_out.splitlines() if len(line) == 40 and b"/" not in line and b"." not in line]
    same = tool_commits == git_commits
    print(f"full-history population: {len(tool_commits)} changes (git log: {len(git_commits)}; identical lists: {'yes' if same else 'NO'})")
    print(f"  git-evidence changes --json : {tool_time:7.3f} s (best of {RUNS})")
    print(f"  git log (same paths)        : {git_time:7.3f} s (best of {RUNS})")
    print(f"  ratio                       : {tool_time / git_time:7.2f}x git's time")

    # The last 1,000 commits' worth of time: the walk stops at the window's start.
    head_time = int(subprocess.run(["git", "-C", REPO, "log", "-1", "--format=%ct", "main"], capture_output=True, text=True, env=GIT_ENV).stdout)
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(head_time - 1000 * 600))
    window_time, window_out = measure([BINARY, "changes", "--repo", REPO, "--branch", "main", "--from", since, "--json"])
    print(f"  --from {since} (last ~1,000 commits): {window_time:.3f} s, {len(window_out.splitlines())} changes")

    print("peak memory (RSS) of `git-evidence changes` as history grows (git log's in brackets):")
    for label in ["history-5000", "history-10000", "main"]:
        exists = subprocess.run(["git", "-C", REPO, "rev-parse", "-q", "--verify", label], capture_output=True, env=GIT_ENV).returncode == 0
        if not exists:
            continue
        length = subprocess.run(["git", "-C", REPO, "rev-list", "--first-parent", "--count", label], capture_output=True, text=True, env=GIT_ENV).stdout.strip()
        rss = peak_rss([BINARY, "changes", "--repo", REPO, "--branch", label, "--json"])
        git_rss = peak_rss(["git", "-C", REPO, "log", "--first-parent", "--diff-merges=first-parent", "--no-renames",
                            "--name-only", "--format=%H", label, "--"] + PATHSPECS)
        print(f"  {length:>6} first-parent commits: {rss / 1024:6.1f} MiB  (git log: {git_rss / 1024:6.1f} MiB)")
    why()
    ledgers()
    org()
    hashing()
    collection()
    if not same:
        sys.exit("bench: the population differs from git log's")


def interleaved(pairs, rounds=None):
    """Best wall time of each command over `rounds` (RUNS) rounds, the commands run one after another in every round
    so a machine's slow moment falls on all of them alike."""
    best = [None] * len(pairs)
    for _ in range(rounds or RUNS):
        for index, command in enumerate(pairs):
            start = time.perf_counter()
            proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=GIT_ENV)
            elapsed = time.perf_counter() - start
            if proc.returncode != 0:
                sys.exit(f"bench: {' '.join(command)} failed: {proc.stderr.decode().strip()}")
            best[index] = elapsed if best[index] is None else min(best[index], elapsed)
    return best


def why():
    """`why` beside the git command that answers the same question, on the synthetic repository: one file's
    history (git log --follow), where a text came and went (git log -S over the rules' paths), a line's last
    change (git blame), each measured in one run with the commands interleaved."""
    files = subprocess.run(["git", "-C", REPO, "ls-tree", "-r", "--name-only", "main", "drizzle/"], capture_output=True, text=True,
                           env=GIT_ENV).stdout.split()
    sql = sorted(f for f in files if f.endswith(".sql"))
    middle = sql[len(sql) // 2]
    text = open_blob(f"main:{middle}").split("(")[0] + "("   # "CREATE TABLE t123 ("
    path = "infra/prod/main.tf"
    # The two quick questions take tens of milliseconds, where a busy moment of the machine weighs most: more rounds.
    quick = 5 * RUNS
    questions = [
        (f"why {path}", [BINARY, "why", "--repo", REPO, "--branch", "main", "--json", path],
         ["git", "-C", REPO, "log", "--first-parent", "--follow", "--format=%H", "main", "--", path], 1.0, quick),
        (f"why --grep '{text}'", [BINARY, "why", "--repo", REPO, "--branch", "main", "--json", "--grep", text],
         ["git", "-C", REPO, "log", "--first-parent", "-S", text, "--format=%H", "main", "--"] + PATHSPECS, 1.0, RUNS),
        (f"why {path}:1", [BINARY, "why", "--repo", REPO, "--branch", "main", "--json", f"{path}:1"],
         ["git", "-C", REPO, "blame", "--first-parent", "-L", "1,1", "main", "--", path], 2.0, quick),
    ]
    print("why beside git (best of %d, or %d for the quick ones, interleaved):" % (RUNS, quick))
    for label, ours, git, target, rounds in questions:
        tool_time, git_time = interleaved([ours, git], rounds)
        verdict = "within" if tool_time / git_time <= target else "OVER"
        print(f"  {label:<44}: {tool_time:6.3f} s vs {git_time:6.3f} s = {tool_time / git_time:5.2f}x git's time ({verdict} the {target:.1f}x target)")
    # What every run of either pays before any work: the quick questions' floor.
    tool_start, git_start = interleaved([[BINARY, "--version"], ["git", "--version"]], quick)
    print(f"  {'process start (--version)':<44}: {tool_start:6.3f} s vs {git_start:6.3f} s")


def open_blob(spec):
    return subprocess.run(["git", "-C", REPO, "show", spec], capture_output=True, text=True, env=GIT_ENV).stdout


def ledgers():
    """export with an event log of many rows that all ran one migration: rows per second and peak memory."""
    root = os.path.join(WORK, "ledger")
    repo = os.path.join(root, "repo")
    if not os.path.exists(os.path.join(repo, ".git")):
        os.makedirs(os.path.join(repo, "drizzle"), exist_ok=True)
        env = dict(GIT_ENV, GIT_AUTHOR_DATE="2026-07-02T12:00:00Z", GIT_COMMITTER_DATE="2026-07-02T12:00:00Z",
                   GIT_AUTHOR_NAME="Dev", GIT_AUTHOR_EMAIL="dev@example.com", GIT_COMMITTER_NAME="Dev", GIT_COMMITTER_EMAIL="dev@example.com")
        subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True, env=env)
        with open(os.path.join(repo, "drizzle", "0000_init.sql"), "w") as out:
            out.write("CREATE TABLE users (id serial PRIMARY KEY);\n")
        subprocess.run(["git", "-C", repo, "add", "."], check=True, env=env)
        subprocess.run(["git", "-C", repo, "commit", "-q", "-m", "Initial schema"], check=True, env=env)
        os.makedirs(os.path.join(root, "github"), exist_ok=True)
        with open(os.path.join(root, "github", "pulls.json"), "w") as out:
            out.write("[]\n")
        subprocess.run([BINARY, "keygen", "--out", os.path.join(root, "keys")], check=True, stdout=subprocess.DEVNULL)
    import hashlib
    with open(os.path.join(repo, "drizzle", "0000_init.sql"), "rb") as source:
        digest = hashlib.sha256(source.read()).hexdigest()
    sizes = [int(size) for size in os.environ.get("BENCH_LEDGER_ROWS", "10000,100000,1000000").split(",")]
    print("export with an event log of N rows applying one migration (every row judged; a run repeated is one record of 12 bytes a row):")
    for rows in sizes:
        log = os.path.join(root, f"events-{rows}.jsonl")
        if not os.path.exists(log):
            with open(log, "w") as out:
                for i in range(rows):
                    out.write('{"event_id":"e%d","aggregate_id":"d","event_type":"MigrationApplied","timestamp":"2026-07-%02dT10:00:00Z",'
                              '"user_id":"deploy-bot","payload":{"migration":"0000_init","hash":"%s","environment":"production","run_id":"r%d"}}\n'
                              % (i, 3 + i % 25, digest, i))
        output = os.path.join(root, f"evidence-{rows}")
        subprocess.run(["rm", "-rf", output], check=True)
        start = time.perf_counter()
        rss = peak_rss([BINARY, "export", "--repo", repo, "--window", "2026-Q3", "--github", os.path.join(root, "github"),
                        "--key", os.path.join(root, "keys", "signing.key.pem"), "--ledger", "events:" + log, "--out", output])
        elapsed = time.perf_counter() - start
        print(f"  {rows:>9} rows: {elapsed:7.2f} s = {rows / elapsed:8.0f} rows/s, peak {rss / 1024:7.1f} MiB")


def collection():
    """collect github against the fake GitHub (Tests/Support/fake_github.py, FAKE_GITHUB_LATENCY_MS per request):
    a window of 1,000 merged pull requests, 60 of them touching migrations or Terraform, plus 300 closed before
    the window. Requests on a cold collect against the pages of the list plus 4 per needed pull request, and
    against the naive 3 per pull request; the share of 304s on a warm re-run; CPU time beside the wall time."""
    import json, resource, shutil
    root = os.path.join(WORK, "collection")
    repo = os.path.join(root, "repo")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True, env=GIT_ENV)
    stream, start, needed = [], 1782864000, set()  # 2026-07-01T00:00:00Z
    rng = random.Random(12)
    touching = set(rng.sample(range(1, 1001), 60))
    for n in range(1, 1001):
        when = start + n * 7000
        path = (f"drizzle/{n:04d}_change.sql" if n % 2 else f"infra/module{n}.tf") if n in touching else f"src/file{n % 50}.ts"
        body = f"-- {n}\n".encode()
        stream.append(b"commit refs/heads/main\nmark :%d\n" % n)
        stream.append(b"author Dev <dev@example.com> %d +0000\ncommitter Dev <dev@example.com> %d +0000\n" % (when, when))
        message = f"Change {n} (#{n})".encode()
        stream.append(b"data %d\n%s\n" % (len(message), message))
        if n > 1:
            stream.append(b"from :%d\n" % (n - 1))
        stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body))
    subprocess.run(["git", "-C", repo, "fast-import", "--quiet"], input=b"".join(stream), check=True, env=GIT_ENV)
    subprocess.run(["git", "-C", repo, "reset", "-q", "--hard", "main"], check=True, env=GIT_ENV)
    shas = subprocess.run(["git", "-C", repo, "rev-list", "--reverse", "main"], capture_output=True, text=True, check=True, env=GIT_ENV).stdout.split()
    iso = lambda seconds: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
    user = {"login": "alice", "type": "User"}
    folder = os.path.join(root, "export")
    os.makedirs(folder)
    pulls = []
    for n in range(1, 1301):
        merged = start + n * 7000 if n <= 1000 else start - (n - 1000) * 3600
        sha = shas[n - 1] if n <= 1000 else "%040x" % n
        pulls.append({"number": n, "title": f"Change {n}", "state": "closed", "user": user, "created_at": iso(merged - 3600),
                      "updated_at": iso(merged + 60), "merged_at": iso(merged), "merge_commit_sha": sha,
                      "head": {"ref": f"f{n}", "sha": "%040x" % (10**6 + n)}, "base": {"ref": "main", "sha": "0" * 40}})
        os.makedirs(os.path.join(folder, "pulls", str(n)))
        with open(os.path.join(folder, "pulls", str(n), "reviews.json"), "w") as out:
            json.dump([{"id": n, "user": {"login": "bob", "type": "User"}, "state": "APPROVED", "submitted_at": iso(merged - 600),
                        "commit_id": "%040x" % (10**6 + n)}], out)
        with open(os.path.join(folder, "pulls", str(n), "commits.json"), "w") as out:
            json.dump([{"sha": "%040x" % (10**6 + n), "author": user, "commit": {"message": f"Change {n}",
                        "author": {"name": "Alice", "email": "alice@example.com", "date": iso(merged - 3600)}}}], out)
    with open(os.path.join(folder, "pulls.json"), "w") as out:
        json.dump(pulls, out)
    latency = os.environ.get("FAKE_GITHUB_LATENCY_MS", "20")
    fake_script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Support", "fake_github.py")
    fake = subprocess.Popen(["python3", fake_script], stdout=subprocess.PIPE, env=dict(os.environ, FAKE_GITHUB_LATENCY_MS=latency))
    try:
        port = int(fake.stdout.readline().split()[1])
        api = f"http://127.0.0.1:{port}"
        import urllib.request
        urllib.request.urlopen(urllib.request.Request(api + "/_control/load_folder", method="POST", data=json.dumps(
            {"token": "bench-token", "repo": "acme/bench", "folder": folder}).encode())).read()
        cache = os.path.join(root, "cache")
        print(f"collect github: 1,000 merged pull requests in the window ({len(touching)} touch migrations or Terraform), "
              f"300 older; the fake answers each request in {latency} ms:")
        for run in ("cold", "warm"):
            out = os.path.join(root, f"collected-{run}")
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            subprocess.run([BINARY, "collect", "github", "--repo", repo, "--window", "2026-Q3", "--github-repo", "acme/bench",
                            "--api-url", api, "--cache", cache, "--out", out], check=True, stdout=subprocess.DEVNULL,
                           env=dict(GIT_ENV, GITHUB_TOKEN="bench-token"))
            wall = time.perf_counter() - began
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            with open(os.path.join(out, "collection.json")) as handle:
                provenance = json.load(handle)
            requests, cached = provenance["totals"]["requests"], provenance["totals"]["not_modified"]
            pages = sum(1 for request in provenance["requests"] if request["url"].split("?")[0].endswith("/repos/acme/bench/pulls"))
            if run == "cold":
                print(f"  cold: {requests} requests = {pages} pages of the list + {requests - pages} for {len(touching)} pull requests and the branch "
                      f"({(requests - pages) / len(touching):.2f} each); naive 3 per pull request: 3,000 ({requests / 3000:.1%} of it)")
            else:
                print(f"  warm: {requests} requests, {cached} answered 304 from the cache ({cached / requests:.1%})")
            print(f"        {wall:.2f} s wall, {cpu:.2f} s CPU ({cpu / wall:.0%} of the wall time)")
    finally:
        fake.terminate()


def org():
    """`org` over 24 repositories of 3,000 commits each (every 30th a migration, with its PR in the export): the
    wall time with --jobs 2 beside --jobs 1 (interleaved, best of RUNS), and each export's peak memory from wait4, as
    org.json records it."""
    import json
    root = os.path.join(WORK, "org")
    repos = os.path.join(root, "repos.yml")
    if not os.path.exists(repos):
        os.makedirs(root, exist_ok=True)
        lines = ["repositories:"]
        for index in range(1, 25):
            repo = os.path.join(root, f"svc-{index:02d}.git")
            subprocess.run(["git", "init", "-q", "--bare", "-b", "main", repo], check=True, env=GIT_ENV)
            stream, mark = [], 0
            for n in range(3000):
                when = 1782900000 + n * 600  # from 2026-07-01, ten minutes apart
                path = f"drizzle/{n // 30:04d}_step.sql" if n % 30 == 0 else f"src/module{n % 50}.ts"
                body = f"-- change {n} of svc-{index:02d}\n".encode()
                stream.append(b"commit refs/heads/main\n")
                stream.append(f"committer Dev <dev@example.com> {when} +0000\n".encode())
                message = f"Change {n} (#{n + 1})\n".encode()
                stream.append(b"data %d\n%s" % (len(message), message))
                stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body))
            subprocess.run(["git", "-C", repo, "fast-import", "--quiet"], input=b"".join(stream), check=True, env=GIT_ENV)
            github = os.path.join(root, f"github-{index:02d}")
            os.makedirs(github, exist_ok=True)
            with open(os.path.join(github, "pulls.json"), "w") as out:
                out.write("[]\n")
            lines += [f"  - name: acme/svc-{index:02d}", f"    path: {repo}", f"    github_export: {github}"]
        with open(repos, "w") as out:
            out.write("\n".join(lines) + "\n")
        subprocess.run([BINARY, "keygen", "--out", os.path.join(root, "keys")], check=True, stdout=subprocess.DEVNULL)
    key = os.path.join(root, "keys", "signing.key.pem")
    def command(jobs):
        return [BINARY, "org", "--repos", repos, "--from", "2026-07-01", "--to", "2026-10-01", "--jobs", str(jobs), "--key", key,
                "--out", os.path.join(root, f"out-{jobs}"), "--force"]
    parallel, serial = interleaved([command(2), command(1)])
    with open(os.path.join(root, "out-2", "org.json")) as source:
        peaks = sorted(job["peak_kilobytes"] for job in json.load(source))
    print(f"org over 24 repositories of 3,000 commits (best of {RUNS}, interleaved):")
    print(f"  --jobs 2: {parallel:6.2f} s, --jobs 1: {serial:6.2f} s = {serial / parallel:4.2f}x faster on {os.cpu_count()} cores")
    print(f"  peak memory per export job: median {peaks[len(peaks) // 2] / 1024:.1f} MiB, largest {peaks[-1] / 1024:.1f} MiB")


def hashing():
    """verify hashes every bundle file by streaming; target >= 1 GB/s on large inputs."""
    big = os.path.join(WORK, "hash-1GiB.bin")
    if not os.path.exists(big) or os.path.getsize(big) != 1 << 30:
        block = random.Random(7).randbytes(1 << 20)
        with open(big, "wb") as out:
            for _ in range(1024):
                out.write(block)
    print("hashing a 1 GiB file (verify streams every bundle file through SHA-256):")
    bench_binary = os.path.join(os.path.dirname(BINARY), "evidence-bench")
    subprocess.run([bench_binary, big], check=True)
    best = min(timed(["sha256sum", big]) for _ in range(3))
    print(f"  sha256sum (coreutils)         : {best:.3f} s = {(1 << 30) / best / 1e9:.2f} GB/s (best of 3)")


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
