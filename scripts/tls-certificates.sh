#!/usr/bin/env bash
# A throwaway certificate authority and the certificates it signs, made by openssl, in the
# layout cert-manager and Kubernetes TLS Secrets use: tls.crt, tls.key and ca.crt in one folder.
# For `TLS=1 make dev`, docker-compose and the tests; use your own PKI or cert-manager in production.
#
#   scripts/tls-certificates.sh authority CA_DIR [NAME]
#       CA_DIR/ca.crt and CA_DIR/ca.key, an authority called NAME (default "TaskMaster CA"),
#       unless CA_DIR already holds one
#   scripts/tls-certificates.sh issue CA_DIR OUT_DIR NAME [SAN…]
#       OUT_DIR/tls.crt (NAME, signed by the authority in CA_DIR), OUT_DIR/tls.key and
#       OUT_DIR/ca.crt (a copy of the authority's); good for serving and for client
#       authentication. SANs as openssl writes them (DNS:scheduler, IP:10.0.0.5); default
#       DNS:localhost IP:127.0.0.1
#
# Certificates are EC P-256 and valid for DAYS days (default 30). Keys are readable by their
# owner only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

days=${DAYS:-30}

usage() {
  echo "usage: $0 authority CA_DIR [NAME] | issue CA_DIR OUT_DIR NAME [SAN…]" >&2
  exit 2
}

command -v openssl >/dev/null 2>&1 || die "openssl not found (apt-get install openssl)"

authority() {
  local dir=$1 name=${2:-TaskMaster CA}
  [[ -f $dir/ca.crt && -f $dir/ca.key ]] && return 0
  mkdir -p "$dir"
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
    -subj "/CN=$name" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null) \
    || die "openssl could not make the authority in $dir"
  chmod 644 "$dir/ca.crt"
}

issue() {
  local ca=$1 out=$2 name=$3 sans
  shift 3
  [[ -f $ca/ca.crt && -f $ca/ca.key ]] || die "$ca holds no authority (scripts/tls-certificates.sh authority $ca)"
  (($# > 0)) || set -- DNS:localhost IP:127.0.0.1
  sans=$(IFS=,; echo "$*")
  mkdir -p "$out"
  local work
  work=$(mktemp -d)
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$sans" >"$work/extensions"
  (umask 077 && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null) || { rm -rf "$work"; die "openssl could not make a key for $name"; }
  openssl x509 -req -in "$work/tls.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days "$days" -extfile "$work/extensions" -out "$work/tls.crt" 2>/dev/null \
    || { rm -rf "$work"; die "openssl could not sign the certificate of $name"; }
  chmod 644 "$work/tls.crt"
  mv "$work/tls.key" "$work/tls.crt" "$out/"
  cp "$ca/ca.crt" "$out/ca.crt"
  rm -rf "$work"
}

[[ $# -ge 2 ]] || usage
case $1 in
  authority) [[ $# -le 3 ]] || usage; authority "$2" "${3:-}" ;;
  issue) [[ $# -ge 4 ]] || usage; shift; issue "$@" ;;
  *) usage ;;
esac
