# bash completion for presencectl(1)            -*- shell-script -*-
# Installed as share/bash-completion/completions/presencectl.

_presencectl() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion || return
    else
        COMPREPLY=()
        cur="${COMP_WORDS[COMP_CWORD]}"
        prev="${COMP_WORDS[COMP_CWORD-1]}"
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local global_opts="--socket --json --timeout --verbose -v --help -h"
    case "$prev" in
        --socket)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --timeout|--ttl)
            COMPREPLY=($(compgen -W "150ms 500ms 1s 5s 30s 5m 30m 1h" -- "$cur"))
            return ;;
        --hold|--view|--page-size)
            return ;;
    esac

    # Find the command path (skipping options and their values); stop at --.
    local i word cmd="" sub="" nargs=0
    for ((i = 1; i < cword; i++)); do
        word="${words[i]}"
        case "$word" in
            --)
                if [[ $cmd == hold ]]; then
                    # After "--": complete the command, then its files.
                    if ((i == cword - 1)); then
                        COMPREPLY=($(compgen -c -- "$cur"))
                    else
                        COMPREPLY=($(compgen -f -- "$cur"))
                    fi
                    return
                fi ;;
            --socket|--timeout|--ttl|--hold|--view|--page-size) ((i++)) ;;
            -*) ;;
            *)
                if [[ -z $cmd ]]; then cmd="$word"
                elif [[ -z $sub && $cmd =~ ^(user|room|users|hold)$ ]]; then sub="$word"
                else ((nargs++)); fi ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "status enable disable is-enabled login logout user room users watch hold" -- "$cur"))
        fi
        return
    fi

    local opts="$global_opts"
    case "$cmd" in
        user)
            [[ -z $sub ]] && { COMPREPLY=($(compgen -W "start stop" -- "$cur")); return; }
            [[ $sub == start ]] && opts+=" --ttl"
            [[ $sub == stop ]] && opts+=" --hold" ;;
        room)
            [[ -z $sub ]] && { COMPREPLY=($(compgen -W "start stop count users" -- "$cur")); return; }
            [[ $sub == start ]] && opts+=" --ttl"
            [[ $sub == stop ]] && opts+=" --hold"
            [[ $sub == users ]] && opts+=" --page-size" ;;
        users)
            [[ -z $sub ]] && { COMPREPLY=($(compgen -W "get online-count online" -- "$cur")); return; }
            [[ $sub == online ]] && opts+=" --page-size" ;;
        watch) opts+=" --view" ;;
        hold)
            [[ -z $sub ]] && { COMPREPLY=($(compgen -W "user room" -- "$cur")); return; }
            if [[ $sub == user || ( $sub == room && $nargs -ge 1 ) ]]; then
                COMPREPLY=($(compgen -W "--" -- "$cur"))
                return
            fi ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    fi
}
complete -F _presencectl presencectl
