# SIGKILL during --optimize (the hardening issue's fault list): the merge
# runs in one transaction, so a kill at any moment leaves the index as it
# was; --check passes and searches work after each kill, and a later
# --optimize completes.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
A=$TMP/archive DB=$TMP/k.db
mkdir -p "$A"
# 1,500 articles of our own words. Before each --optimize, two runs that
# change 10 articles each (under the 1% that triggers a merge) leave
# small b-trees beside the big one, so --optimize has a whole index to
# rewrite.
python3 - "$A" <<'PY'
import random, sys
rng = random.Random(7)
words = ("cán bộ công chức viên chức tinh giản biên chế cải cách hành chính "
         "thành phố quận huyện phường xã hội nghị kế hoạch đào tạo bồi dưỡng "
         "tuyển dụng thi đua khen thưởng lưu trữ văn thư tôn giáo thanh niên").split()
for i in range(1500):
    body = " ".join(rng.choice(words) for _ in range(rng.randint(150, 400)))
    with open("%s/%04d.txt" % (sys.argv[1], i), "w") as f:
        f.write("Bài số %d về %s\n\n%s.\n" % (i, rng.choice(words), body))
PY
"$VNINDEX" --db "$DB" --quiet "$A" || fail "first run"
n0=$("$VNQUERY" --db "$DB" --json "tinh giản" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
ok "the archive is searchable ($n0 matches)" test "$n0" -gt 0

killed=0 round=0
for delay in 0.01 0.02 0.03 0.04 0.06 0.08; do
    for _ in 1 2; do
        round=$((round + 1))
        for f in "$A"/000[0-9].txt; do echo "thêm $round" >>"$f"; done
        "$VNINDEX" --db "$DB" --quiet "$A" || fail "run $round"
    done
    "$VNINDEX" --db "$DB" --optimize >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null && killed=$((killed + 1))
    wait "$pid" 2>/dev/null
    ok "after SIGKILL at ${delay}s into --optimize: --check passes" "$VNINDEX" --db "$DB" --quiet --check
    n=$("$VNQUERY" --db "$DB" --json "tinh giản" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
    equals "after SIGKILL at ${delay}s: the same matches" "$n" "$n0"
done
ok "at least one --optimize was killed mid-way ($killed of 6)" test "$killed" -ge 1
ok "a later --optimize completes" "$VNINDEX" --db "$DB" --quiet --optimize
ok "and --check still passes" "$VNINDEX" --db "$DB" --quiet --check
