#!/usr/bin/env bash
# Schakel's HA set-up on one machine, to see a fail-over with your own eyes (docs/DEPLOYMENT.md):
#   - a ZooKeeper ensemble of three servers (the ZooKeeper server the tests use, curator-test's),
#   - an Artemis primary and backup made from deploy/artemis/ (replication, ZooKeeper lock),
#   - a PostgreSQL server for the ledger (unless you name your own, below),
#   - two gateway processes on different ports, sharing one data folder, against both brokers
#     and that PostgreSQL ledger.
# Then it prints how to kill a node and how to watch the fail-over.
#
#   deploy/local-cluster.sh start     build what is missing and start everything (the default)
#   deploy/local-cluster.sh status    health of the gateways, state of the brokers
#   deploy/local-cluster.sh stop      stop what this script started (by the pids it recorded)
#
# Needs: Java 17, Maven (the first run downloads org.apache.activemq:apache-artemis:2.44.0:tar.gz:bin
# and the PostgreSQL binaries the tests use into ~/.m2; later runs work offline) and curl.
# PostgreSQL: by default the script starts the server the tests use (zonky's embedded PostgreSQL
# binaries, src/test/java/nl/schakel/ledger/LocalPostgres.java) on 127.0.0.1:55432, its data in
# target/local-cluster/postgres/, user postgres with local trust authentication: for trying, not for
# production. To use your own server instead, set PGHOST (and PGPORT, PGUSER, PGPASSWORD as usual);
# the script then creates the database schakel_cluster with createdb if it is missing, and the
# gateways log in with the same user and password.
#
# Everything lives in target/local-cluster/ (SCHAKEL_CLUSTER_DIR to move it); delete it to start clean.
#
# The brokers and gateways are made and started as src/test/java/nl/schakel/ha/BrokerPairIT.java and
# HaClusterIT.java do (mvn verify -Pha): `artemis create`, deploy/artemis/ copied over it,
# `schakel broker-config --demo --out <instance>/etc`, target/schakel-gateway-broker-plugins.jar in
# the instance's lib/. The gateways share ONE data folder (inbox/, outbox/, quarantine/; the ledger
# and the broker are elsewhere) with schakel.file.shared-lock=true, and each has its own
# schakel.spool-dir and schakel.instance.id (docs/DEPLOYMENT.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${SCHAKEL_CLUSTER_DIR:-$ROOT/target/local-cluster}"
ARTEMIS_VERSION=2.44.0
ARTEMIS_HOME="$WORK/apache-artemis-$ARTEMIS_VERSION"
JAR="$ROOT/target/schakel-gateway.jar"
PIDS="$WORK/pids"

ZK_CLIENT_PORTS=(2181 2182 2183)
BROKER_PORTS=(61616 61617)              # primary, backup
GATEWAY_API_PORTS=(8080 8180)
GATEWAY_CONSOLE_PORTS=(8086 8186)
GATEWAY_MANAGEMENT_PORTS=(9876 9976)

if [[ -n "${PGHOST:-}" ]]; then
  OWN_POSTGRES=""                       # the user's server
  PGPORT="${PGPORT:-5432}"
  PGUSER="${PGUSER:-$(id -un)}"
  LEDGER_DB=schakel_cluster
else
  OWN_POSTGRES=yes                      # the tests' PostgreSQL, started and stopped by this script
  PGHOST=127.0.0.1
  PGPORT="${SCHAKEL_CLUSTER_PG_PORT:-55432}"
  PGUSER=postgres
  LEDGER_DB=postgres
fi
export PGHOST PGPORT PGUSER
GATEWAY_USER="${SCHAKEL_BROKER_USER:-schakel-gateway}"
CLUSTER_PASSWORD=""
BROKER_PASSWORD=""

say() { printf '== %s\n' "$*"; }
die() { printf 'local-cluster: %s\n' "$*" >&2; exit 1; }

record_pid() { # name pid
  mkdir -p "$WORK"
  printf '%s %s\n' "$1" "$2" >>"$PIDS"
}

pid_of() { # name -> pid or nothing
  [[ -f "$PIDS" ]] || return 0
  awk -v n="$1" '$1 == n { p = $2 } END { if (p) print p }' "$PIDS"
}

running() { # pid
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null
}

need() {
  command -v "$1" >/dev/null 2>&1 || die "needs '$1' on the PATH"
}

# ---- parts -------------------------------------------------------------------------------------

check_prerequisites() {
  need java
  need mvn
  need curl
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2 }')"
  [[ "${major%%.*}" -ge 17 ]] || die "needs Java 17 or later (found ${major:-unknown})"
  local f
  for f in etc/broker.xml etc/login.config ha/primary.xml ha/backup.xml; do
    [[ -f "$ROOT/deploy/artemis/$f" ]] || die "deploy/artemis/$f is missing: the standalone broker configuration
  (issue 13) is not in this checkout yet. Merge it, or run from a branch that has deploy/artemis/."
  done
  [[ -n "$OWN_POSTGRES" ]] && return 0
  if [[ -z "${PGPASSWORD:-}" ]]; then
    die "PGPASSWORD is not set: the gateways need the password of PostgreSQL user $PGUSER on $PGHOST:$PGPORT
  (export it from your password manager; it is passed to the gateways through the environment only)"
  fi
  need pg_isready
  need psql
  need createdb
  pg_isready -h "$PGHOST" -p "$PGPORT" >/dev/null 2>&1 \
    || die "no PostgreSQL answers on $PGHOST:$PGPORT (pg_isready). Start your PostgreSQL first, or unset PGHOST to let this script start one."
}

build_gateway() {
  if [[ ! -f "$JAR" || ! -f "$ROOT/target/schakel-gateway-broker-plugins.jar" \
      || ! -f "$ROOT/target/test-classes/nl/schakel/ledger/LocalPostgres.class" ]]; then
    say "building the gateway (mvn package, tests compiled but not run)"
    (cd "$ROOT" && mvn -q -DskipTests package)
  fi
}

unpack_artemis() {
  [[ -x "$ARTEMIS_HOME/bin/artemis" ]] && return 0
  say "fetching the Artemis $ARTEMIS_VERSION distribution"
  mkdir -p "$WORK/download"
  local artifact="org.apache.activemq:apache-artemis:$ARTEMIS_VERSION:tar.gz:bin"
  (cd "$ROOT" && { mvn -o -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$WORK/download" >/dev/null 2>&1 \
      || mvn -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$WORK/download"; })
  tar -xzf "$WORK/download/apache-artemis-$ARTEMIS_VERSION-bin.tar.gz" -C "$WORK"
}

# The jars the tests use (-Pha: with curator-test's ZooKeeper server), in $WORK/test-classpath:
# PostgreSQL comes from zonky's binaries on it, the ZooKeeper servers run from it.
test_classpath() {
  [[ -s "$WORK/test-classpath" ]] && return 0
  say "resolving the PostgreSQL and ZooKeeper servers the tests use"
  mkdir -p "$WORK"
  (cd "$ROOT" && { mvn -o -q -Pha dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/test-classpath" >/dev/null 2>&1 \
      || mvn -q -Pha dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/test-classpath"; })
}

start_postgres() {
  [[ -n "$OWN_POSTGRES" ]] || return 0
  if running "$(pid_of postgres)"; then return 0; fi
  test_classpath
  say "starting PostgreSQL on 127.0.0.1:$PGPORT (data in $WORK/postgres)"
  java -Xmx64m -cp "$ROOT/target/test-classes:$(cat "$WORK/test-classpath")" nl.schakel.ledger.LocalPostgres "$PGPORT" "$WORK/postgres" \
    >"$WORK/postgres.log" 2>&1 &
  record_pid postgres $!
  for _ in $(seq 1 120); do
    grep -q "PostgreSQL ready" "$WORK/postgres.log" 2>/dev/null && return 0
    running "$(pid_of postgres)" || die "PostgreSQL did not start: see $WORK/postgres.log"
    sleep 0.5
  done
  die "PostgreSQL not ready after 60 s: see $WORK/postgres.log"
}

ensure_database() {
  [[ -n "$OWN_POSTGRES" ]] && return 0
  if ! psql -d "$LEDGER_DB" -c 'select 1' >/dev/null 2>&1; then
    say "creating database $LEDGER_DB"
    createdb "$LEDGER_DB" || die "could not create database $LEDGER_DB as $PGUSER (needs CREATEDB, or create it yourself)"
  fi
}

start_zookeeper() {
  test_classpath
  local i
  for i in 1 2 3; do
    local name="zookeeper-$i" dir="$WORK/zookeeper-$i"
    if running "$(pid_of "$name")"; then continue; fi
    mkdir -p "$dir/data"
    printf '%s\n' "$i" >"$dir/data/myid"
    cat >"$dir/zoo.cfg" <<EOF
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$dir/data
clientPort=${ZK_CLIENT_PORTS[$((i - 1))]}
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,mntr
server.1=127.0.0.1:2888:3888
server.2=127.0.0.1:2889:3889
server.3=127.0.0.1:2890:3890
EOF
    say "starting ZooKeeper server $i on 127.0.0.1:${ZK_CLIENT_PORTS[$((i - 1))]}"
    java -Xmx256m -cp "$(cat "$WORK/test-classpath")" org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" \
      >"$dir/zookeeper.log" 2>&1 &
    record_pid "$name" $!
  done
}

zk_connect() {
  local p out=""
  for p in "${ZK_CLIENT_PORTS[@]}"; do out="${out:+$out,}127.0.0.1:$p"; done
  printf '%s' "$out"
}

broker_url() {
  # clientFailureCheckPeriod/connectionTTL: a frozen broker is noticed in seconds, not after Artemis' default minute
  printf '(tcp://127.0.0.1:%s,tcp://127.0.0.1:%s)?ha=true&reconnectAttempts=-1&clientFailureCheckPeriod=2000&connectionTTL=6000&callTimeout=10000' \
    "${BROKER_PORTS[0]}" "${BROKER_PORTS[1]}"
}

create_broker() { # role
  local role="$1" instance="$WORK/broker-$1"
  [[ -f "$instance/etc/ha-policy.xml" ]] && return 0
  say "creating broker instance $role"
  # the user made here is not used: broker-config below writes the logins
  "$ARTEMIS_HOME/bin/artemis" create "$instance" --silent --require-login --no-web --no-autotune --nio \
    --host 127.0.0.1 --name "schakel-$role" --user unused --password "$(head -c 16 /dev/urandom | base64)" \
    --no-amqp-acceptor --no-mqtt-acceptor --no-stomp-acceptor --no-hornetq-acceptor >/dev/null
  cp "$ROOT"/deploy/artemis/etc/* "$instance/etc/"
  cp "$ROOT/deploy/artemis/ha/$role.xml" "$instance/etc/ha-policy.xml"
  # the files broker.xml includes (addresses, security settings, logins) from the demo directory; the
  # gateway's own login is hashed from SCHAKEL_BROKER_PASSWORD
  SCHAKEL_BROKER_PASSWORD="$BROKER_PASSWORD" java -jar "$JAR" broker-config --demo --gateway-user "$GATEWAY_USER" --out "$instance/etc" \
    || die "'schakel broker-config --demo --out $instance/etc' failed (deploy/artemis/README.md)"
  # the broker plugins deploy/artemis/etc/broker.xml names
  cp "$ROOT/target/schakel-gateway-broker-plugins.jar" "$instance/lib/" \
    || die "no target/schakel-gateway-broker-plugins.jar to put into the broker's lib/ (mvn -DskipTests package makes it)"
}

start_broker() { # role index
  local role="$1" i="$2" instance="$WORK/broker-$1" peer=$((1 - $2))
  if running "$(pid_of "broker-$role")"; then return 0; fi
  say "starting broker $role on 127.0.0.1:${BROKER_PORTS[$i]}"
  # ${NAME} in deploy/artemis/'s files: a system property or else a variable of that name
  SCHAKEL_BROKER_NAME="schakel-$role" \
  SCHAKEL_BROKER_HOST=127.0.0.1 \
  SCHAKEL_BROKER_PORT="${BROKER_PORTS[$i]}" \
  SCHAKEL_BROKER_PEER_HOST=127.0.0.1 \
  SCHAKEL_BROKER_PEER_PORT="${BROKER_PORTS[$peer]}" \
  SCHAKEL_ZK_CONNECT="$(zk_connect)" \
  SCHAKEL_ZK_NAMESPACE=schakel-local SCHAKEL_HA_COORDINATION_ID=schakel-local \
  SCHAKEL_CLUSTER_PASSWORD="$CLUSTER_PASSWORD" \
    "$instance/bin/artemis" run >"$instance/log/console.log" 2>&1 &
  record_pid "broker-$role" $!
}

# The primary first, so that on a fresh start the roles come out as named. On a later start the broker
# that was active last holds the newest journal; the other waits for it (Artemis' activation sequence
# in ZooKeeper), so a primary that is not active within 30 s is not an error: the backup is started
# and whichever has the newest data becomes active, the other one its replica.
start_brokers() {
  start_broker primary 0
  if ! broker_log_has primary AMQ221007 30; then
    say "the primary is not active yet (it waits for a broker with newer data if the backup was active last)"
  fi
  start_broker backup 1
  local _
  for _ in $(seq 1 120); do
    if grep -qs AMQ221007 "$WORK"/broker-{primary,backup}/log/console.log; then
      say "active: $(grep -ls AMQ221007 "$WORK"/broker-{primary,backup}/log/console.log | sed 's#.*/broker-\([a-z]*\)/.*#\1#' | tr '\n' ' ')"
      if broker_log_has_any AMQ221024 60; then
        say "the other broker is in sync (AMQ221024)"
      else
        say "no broker in sync after 60 s: see $WORK/broker-*/log/console.log"
      fi
      return 0
    fi
    sleep 1
  done
  if [[ "$(grep -ls 'awaiting connection to a primary' "$WORK"/broker-{primary,backup}/log/console.log | wc -l)" -eq 2 ]]; then
    die "no broker active after 120 s: both wait as replicas for a primary (see $WORK/broker-*/log/console.log).
  This happens when the whole pair is started again after a fail-over; it is not worked out yet (docs/DEPLOYMENT.md,
  \"When a part fails\"). To try again from scratch: $0 stop; rm -rf $WORK"
  fi
  die "no broker active after 120 s: see $WORK/broker-*/log/console.log (ZooKeeper: $WORK/zookeeper-*/zookeeper.log)"
}

broker_log_has() { # role code seconds
  local _
  for _ in $(seq 1 "$3"); do
    grep -qs "$2" "$WORK/broker-$1/log/console.log" && return 0
    running "$(pid_of "broker-$1")" || die "broker $1 ended: see $WORK/broker-$1/log/console.log"
    sleep 1
  done
  return 1
}

broker_log_has_any() { # code seconds
  local _
  for _ in $(seq 1 "$2"); do
    grep -qs "$1" "$WORK"/broker-{primary,backup}/log/console.log && return 0
    sleep 1
  done
  return 1
}

start_gateway() { # index
  local i="$1" name="gateway-$(( $1 + 1 ))"
  if running "$(pid_of "$name")"; then return 0; fi
  say "starting $name: API ${GATEWAY_API_PORTS[$i]}, console ${GATEWAY_CONSOLE_PORTS[$i]}, health ${GATEWAY_MANAGEMENT_PORTS[$i]}"
  mkdir -p "$WORK/shared-data" "$WORK/$name"
  # One data folder for both (inbox/, outbox/, quarantine/), as the shared volume is in Kubernetes;
  # each its own spool (emptied at every start) and its own instance id in the ledger. The broker's
  # login for the gateway comes from artemis-users.properties (broker-config); its password from
  # the environment.
  SCHAKEL_BROKER_PASSWORD="$BROKER_PASSWORD" \
  SCHAKEL_LEDGER_PASSWORD="${PGPASSWORD:-}" \
    java -Xmx512m \
    -Dschakel.data-dir="$WORK/shared-data" \
    -Dschakel.spool-dir="$WORK/$name/spool" \
    -Dschakel.instance.id="$name" \
    -Dschakel.broker.embedded=false \
    -Dschakel.broker.url="$(broker_url)" \
    -Dschakel.broker.user="$GATEWAY_USER" \
    -Dschakel.ledger.url="jdbc:postgresql://$PGHOST:$PGPORT/$LEDGER_DB" \
    -Dschakel.ledger.user="$PGUSER" \
    -Dschakel.file.shared-lock=true \
    -Dcamel.server.port="${GATEWAY_API_PORTS[$i]}" \
    -Dschakel.console.port="${GATEWAY_CONSOLE_PORTS[$i]}" \
    -Dcamel.management.port="${GATEWAY_MANAGEMENT_PORTS[$i]}" \
    -jar "$JAR" >"$WORK/$name/gateway.log" 2>&1 &
  record_pid "$name" $!
}

await_gateway() { # index
  local port="${GATEWAY_MANAGEMENT_PORTS[$1]}"
  for _ in $(seq 1 90); do
    if curl -sf "http://127.0.0.1:$port/observe/health/ready" >/dev/null; then
      say "gateway-$(( $1 + 1 )) is ready"
      return 0
    fi
    sleep 1
  done
  say "gateway-$(( $1 + 1 )) not ready after 90 s: see $WORK/gateway-$(( $1 + 1 ))/gateway.log and"
  curl -s "http://127.0.0.1:$port/observe/health?data=true" || true
  echo
}

print_guide() {
  cat <<EOF

Everything runs. Pids are in $PIDS; logs beside each part in $WORK.

  ZooKeeper      $(zk_connect)               pids $(pid_of zookeeper-1) $(pid_of zookeeper-2) $(pid_of zookeeper-3)
  broker primary 127.0.0.1:${BROKER_PORTS[0]}                           pid  $(pid_of broker-primary)
  broker backup  127.0.0.1:${BROKER_PORTS[1]}                           pid  $(pid_of broker-backup)
  gateway-1      API :${GATEWAY_API_PORTS[0]}  console :${GATEWAY_CONSOLE_PORTS[0]}  health :${GATEWAY_MANAGEMENT_PORTS[0]}   pid  $(pid_of gateway-1)
  gateway-2      API :${GATEWAY_API_PORTS[1]}  console :${GATEWAY_CONSOLE_PORTS[1]}  health :${GATEWAY_MANAGEMENT_PORTS[1]}   pid  $(pid_of gateway-2)
  PostgreSQL     $PGHOST:$PGPORT database $LEDGER_DB          ${OWN_POSTGRES:+pid  $(pid_of postgres)}

Watch, in a second terminal:
  watch -n1 'curl -s -o /dev/null -w "gateway-1 %{http_code}\n" http://127.0.0.1:${GATEWAY_MANAGEMENT_PORTS[0]}/observe/health/ready; curl -s -o /dev/null -w "gateway-2 %{http_code}\n" http://127.0.0.1:${GATEWAY_MANAGEMENT_PORTS[1]}/observe/health/ready'
  tail -F $WORK/broker-*/log/artemis.log | grep -E 'AMQ221007|AMQ221024|AMQ221031|AMQ221010|lock'
      (AMQ221007: a broker became active; AMQ221024: the backup is in sync with the primary)
  $0 status

Kill a node (as a crash would):
  kill -9 $(pid_of broker-primary)    # the primary broker: the backup takes the lock and becomes active,
                                   # the gateways reconnect through the failover URL
  kill -9 $(pid_of gateway-1)    # a gateway: its unacknowledged queue messages go to gateway-2
  kill -9 $(pid_of zookeeper-1)    # one ZooKeeper server: two of three keep the quorum, nothing changes
  kill -STOP $(pid_of gateway-2); sleep 30; kill -CONT $(pid_of gateway-2)
                                   # a gateway frozen past its lease: gateway-1 takes its work over,
                                   # the thawed one takes a new epoch and its late writes are refused

Send a dossier meanwhile (README, "Walk-through"): drop a file into $WORK/shared-data/inbox/30AA00/
and look in $WORK/shared-data/outbox/30AB00/.

Stop everything: $0 stop
EOF
}

status() {
  local i
  for i in 0 1; do
    printf 'gateway-%s ready: ' "$(( i + 1 ))"
    curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:${GATEWAY_MANAGEMENT_PORTS[$i]}/observe/health/ready" || echo "no answer"
  done
  local role
  for role in primary backup; do
    printf 'broker %s: ' "$role"
    if running "$(pid_of "broker-$role")"; then
      grep -hoE 'AMQ2210(07|24|31|10)[^,]*' "$WORK/broker-$role/log/artemis.log" 2>/dev/null | tail -1 || echo "running"
    else
      echo "not running"
    fi
  done
  printf 'PostgreSQL %s:%s: ' "$PGHOST" "$PGPORT"
  if (exec 3<>"/dev/tcp/$PGHOST/$PGPORT") 2>/dev/null; then echo "answers"; else echo "no answer"; fi
  for i in 0 1 2; do
    printf 'zookeeper-%s: ' "$(( i + 1 ))"
    { (exec 3<>"/dev/tcp/127.0.0.1/${ZK_CLIENT_PORTS[$i]}" && printf 'srvr\n' >&3 && cat <&3) 2>/dev/null | grep Mode; } || echo "no answer"
  done
}

stop_all() {
  [[ -f "$PIDS" ]] || { say "nothing recorded in $PIDS"; return 0; }
  # gateways first (they finish their work while the brokers and the ledger are still there), then
  # brokers, then ZooKeeper and PostgreSQL: the reverse of the start
  local group name pid
  for group in "gateway-2 gateway-1" "broker-backup broker-primary" "zookeeper-3 zookeeper-2 zookeeper-1" "postgres"; do
    local stopping=()
    for name in $group; do
      pid="$(pid_of "$name")"
      if running "$pid"; then
        say "stopping $name ($pid)"
        kill "$pid" 2>/dev/null || true
        stopping+=("$name:$pid")
      fi
    done
    local entry
    for entry in ${stopping[@]+"${stopping[@]}"}; do
      await_end "${entry%%:*}" "${entry##*:}"
    done
  done
  rm -f "$PIDS"
}

await_end() { # name pid: up to 60 s (a gateway finishes its work first; Camel's shutdown timeout is 45 s), then kill -9
  for _ in $(seq 1 120); do
    running "$2" || return 0
    sleep 0.5
  done
  say "$1 ($2) did not stop within 60 s: kill -9"
  kill -9 "$2" 2>/dev/null || true
}

main() {
  case "${1:-start}" in
    start)
      check_prerequisites
      # the pair's shared cluster password: made once, kept with the instances (never in the repository)
      mkdir -p "$WORK"
      if [[ ! -f "$WORK/cluster-password" ]]; then
        (umask 077 && head -c 24 /dev/urandom | base64 >"$WORK/cluster-password")
      fi
      CLUSTER_PASSWORD="$(cat "$WORK/cluster-password")"
      # the gateway's login on the brokers, likewise made once
      if [[ ! -f "$WORK/broker-password" ]]; then
        (umask 077 && head -c 24 /dev/urandom | base64 >"$WORK/broker-password")
      fi
      BROKER_PASSWORD="${SCHAKEL_BROKER_PASSWORD:-$(cat "$WORK/broker-password")}"
      build_gateway
      unpack_artemis
      start_postgres
      ensure_database
      start_zookeeper
      create_broker primary
      create_broker backup
      start_brokers
      start_gateway 0
      start_gateway 1
      await_gateway 0
      await_gateway 1
      print_guide
      ;;
    status) status ;;
    stop) stop_all ;;
    *) die "usage: $0 [start|status|stop]" ;;
  esac
}

main "$@"
