# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for vtigw(8): commands, each command's options, files after -c/--log/--control,
# and for `reset` the tunnel names of the running daemon (from `vtigw status --json`).

_vtigw_options() {
    case $1 in
        check) echo "-c --config --json" ;;
        plan) echo "-c --config --json --offline --control" ;;
        mtu) echo "--esp --underlay-mtu --natt --ipv6-outer --json" ;;
        up) echo "-c --config --wait --control --log -v --verbose" ;;
        run) echo "-c --config --control -v --verbose" ;;
        reload) echo "-c --config --json --control" ;;
        status) echo "--json --control" ;;
        reset|metrics) echo "--control" ;;
        down) echo "-c --config --control" ;;
    esac
    echo "-h --help"
}

# The daemon's tunnel names; $1 is the vtigw command as typed, the rest are --control arguments.
_vtigw_tunnels() {
    local vtigw=$1
    shift
    "$vtigw" status --json "$@" 2>/dev/null |
        grep -o '"name": *"[^"\\]*"' | sed 's/^"name": *"\(.*\)"$/\1/'
}

_vtigw() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands="check plan mtu up run reload status reset metrics down"
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        mapfile -t COMPREPLY < <(compgen -W "$commands help --help --version" -- "$cur")
        return
    fi
    local cmd=${COMP_WORDS[1]}
    if [ "$cmd" = help ]; then
        ((COMP_CWORD == 2)) && mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
        return
    fi
    case $prev in
        -c | --config | --log | --control)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return
            ;;
        --esp)
            mapfile -t COMPREPLY < <(compgen -W "aes128gcm16 aes256gcm16 aes128-sha256 aes256-sha256 \
                aes256-sha384 chacha20poly1305" -- "$cur")
            return
            ;;
        --underlay-mtu) return ;;
    esac
    if [ "$cmd" = reset ] && [[ $cur != -* ]]; then
        # One tunnel name, asked of the daemon on the socket the line names.
        local i control=() named=0
        for ((i = 2; i < COMP_CWORD; i++)); do
            case ${COMP_WORDS[i]} in
                --control) control=(--control "${COMP_WORDS[i + 1]}") && ((i++)) ;;
                --control=*) control=("${COMP_WORDS[i]}") ;;
                -*) ;;
                *) named=1 ;;
            esac
        done
        if ((!named)); then
            mapfile -t COMPREPLY < <(compgen -W "$(_vtigw_tunnels "${COMP_WORDS[0]}" \
                "${control[@]}")" -- "$cur")
            return
        fi
    fi
    mapfile -t COMPREPLY < <(compgen -W "$(_vtigw_options "$cmd")" -- "$cur")
}

complete -F _vtigw vtigw
