# SPDX-License-Identifier: GPL-2.0-or-later
# Test PKI for X.509 VM scenarios: EC P-256 keys (mode 0600), certificates valid for 2 days.
# Source after lib.sh; files go where the caller says (normally $IKE_DIR, removed at exit).
# No process substitution: the guest's /dev has no /dev/fd.

# x509_key FILE: a fresh private key, readable by the owner only.
x509_key() {
  (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>"$1.err") ||
    { cat "$1.err" >&2; fail "cannot generate key $1"; }
  rm -f "$1.err"
}

# x509_ca DIR NAME: a self-signed CA, DIR/NAME.key and DIR/NAME.crt.
x509_ca() {
  local dir=$1 name=$2
  x509_key "$dir/$name.key"
  openssl req -x509 -new -key "$dir/$name.key" -subj "/O=vtigw test/CN=$name" -days 2 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/$name.crt" || fail "cannot make CA $name"
}

# x509_leaf DIR CA NAME FQDN: DIR/NAME.key and DIR/NAME.crt, signed by DIR/CA.{crt,key}, with
# subjectAltName DNS:FQDN (the IKE identity).
x509_leaf() {
  local dir=$1 ca=$2 name=$3 fqdn=$4
  x509_key "$dir/$name.key"
  printf '%s\n' "subjectAltName=DNS:$fqdn" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" >"$dir/$name.ext"
  openssl req -new -key "$dir/$name.key" -subj "/O=vtigw test/CN=$fqdn" -out "$dir/$name.csr" &&
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" \
      -set_serial "0x$(openssl rand -hex 8)" -days 2 -sha256 -extfile "$dir/$name.ext" \
      -out "$dir/$name.crt" 2>/dev/null || fail "cannot make certificate $name"
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}
