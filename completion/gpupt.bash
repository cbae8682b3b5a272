# bash completion for gpupt(8)                               -*- shell-script -*-
# SPDX-License-Identifier: MIT
#
# Self-contained (bash only, no bash-completion helpers), so it works
# whether or not the bash-completion package loads it.  Devices and VM ids
# are read from the tree gpupt itself would read: the --root DIR already on
# the command line (before or after the command), else /.

# The words up to the cursor as gpupt sees them.  bash splits words at
# COMP_WORDBREAKS, so "0000:01:00.0" arrives as "0000" ":" "01" ":" "00.0"
# and "--root=DIR" as "--root" "=" "DIR"; pieces not separated by white
# space on the line are glued back where a ':' or '=' joins them.
# Sets _gpupt_words (the last one is the word being completed, cut at the
# cursor) and _gpupt_cword.
_gpupt_words_to_cursor()
{
	local rest=${COMP_LINE:0:COMP_POINT} w spaced i j=-1

	_gpupt_words=()
	for ((i = 0; i < ${#COMP_WORDS[@]} && i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		spaced=0
		if [[ $rest == [[:space:]]* ]]; then
			spaced=1
			rest=${rest#"${rest%%[![:space:]]*}"}
		fi
		((${#w} > ${#rest})) && w=$rest
		rest=${rest:${#w}}
		# Word 0 is the program: nothing is glued to it.
		if ((j >= 1 && !spaced)) && [[ $w == [:=]* || ${_gpupt_words[j]} == *[:=] ]]; then
			_gpupt_words[j]+=$w
		else
			_gpupt_words[++j]=$w
		fi
	done
	_gpupt_cword=$j
}

# A --root value as typed, as a path: ~ expanded, quotes and backslashes dropped.
_gpupt_path()
{
	local v=$1

	[[ $v == \~ || $v == \~/* ]] && v=$HOME${v:1}
	v=${v//\'/}
	v=${v//\"/}
	_gpupt_path_value=${v//\\/}
}

# The devices `gpupt list` shows, below root $1: every function of each slot
# that holds a display-class device (class 0x03xxxx).  Sets _gpupt_addrs
# (DDDD:BB:SS.F), _gpupt_slots (DDDD:BB:SS) and _gpupt_ids (VVVV:DDDD, each once).
_gpupt_devices()
{
	local devs=${1%/}/sys/bus/pci/devices d name cls ven dev id
	local -A display=() seen=()

	_gpupt_addrs=() _gpupt_slots=() _gpupt_ids=()
	for d in "$devs"/*; do
		name=${d##*/}
		[[ $name =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]] || continue
		cls=''
		read -r cls 2>/dev/null <"$d/class"
		[[ ${cls,,} == 0x03* ]] && display[${name%.*}]=1
	done
	for d in "$devs"/*; do
		name=${d##*/}
		[[ $name =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ && ${display[${name%.*}]-} ]] || continue
		_gpupt_addrs+=("$name")
		if [[ ! ${seen[${name%.*}]-} ]]; then
			seen[${name%.*}]=1
			_gpupt_slots+=("${name%.*}")
		fi
		ven='' dev=''
		read -r ven 2>/dev/null <"$d/vendor"
		read -r dev 2>/dev/null <"$d/device"
		ven=${ven,,} dev=${dev,,}
		id=${ven#0x}:${dev#0x}
		[[ $id =~ ^[0-9a-f]{4}:[0-9a-f]{4}$ && ! ${seen[$id]-} ]] || continue
		seen[$id]=1
		_gpupt_ids+=("$id")
	done
}

# Proxmox VE VM ids below root $1: etc/pve/qemu-server/VMID.conf.
_gpupt_vmids()
{
	local f n

	_gpupt_vmid_list=()
	for f in "${1%/}"/etc/pve/qemu-server/*.conf; do
		n=${f##*/}
		n=${n%.conf}
		[[ $n =~ ^[1-9][0-9]{2,8}$ ]] && _gpupt_vmid_list+=("$n")
	done
}

# COMPREPLY: the words of $2... that start with $1.
_gpupt_reply()
{
	local cur=$1 w

	shift
	COMPREPLY=()
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# COMPREPLY: files (-f) or directories (-d) named by $2, each prefixed with $3.
_gpupt_reply_paths()
{
	local prefix=${3-} line

	compopt -o filenames 2>/dev/null
	COMPREPLY=()
	while IFS= read -r line; do
		COMPREPLY+=("$prefix$line")
	done < <(compgen "$1" -- "$2")
}

_gpupt()
{
	local cur prev root=/ cmd='' cmd_at=0 i w opts argopts='' positional=() dashdash=0 from_file=0
	local _gpupt_words _gpupt_cword _gpupt_path_value
	local _gpupt_addrs _gpupt_slots _gpupt_ids _gpupt_vmid_list

	_gpupt_words_to_cursor
	cur=${_gpupt_words[_gpupt_cword]}
	prev=''
	((_gpupt_cword > 0)) && prev=${_gpupt_words[_gpupt_cword - 1]}

	# Global options end at the first word that is not one: the command.
	for ((i = 1; i < _gpupt_cword; i++)); do
		w=${_gpupt_words[i]}
		case $w in
		--root)
			((i + 1 < _gpupt_cword)) && _gpupt_path "${_gpupt_words[i + 1]}" && root=$_gpupt_path_value
			((i++))
			;;
		--root=*)
			_gpupt_path "${w#--root=}"
			root=$_gpupt_path_value
			;;
		-*) ;;
		*)
			cmd=$w
			cmd_at=$i
			break
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $prev == --root ]]; then
			_gpupt_reply_paths -d "$cur"
		elif [[ $cur == --root=* ]]; then
			_gpupt_reply_paths -d "${cur#--root=}" --root=
		elif [[ $cur == -* ]]; then
			_gpupt_reply "$cur" --root --json --verbose --help --version
		else
			_gpupt_reply "$cur" list check status enable confirm rollback disable rom vm map trial-agent
		fi
	else
		# Each command's own options, as its getopt_long table has them,
		# and the global options gpupt takes after the command too (rom's
		# and vm's own --json among them); argopts take a value.
		case $cmd in
		list | check | status | confirm | trial-agent) opts="--help" ;;
		enable)
			# --trial takes its MINUTES only as --trial=MINUTES.
			opts="--dry-run --yes --force --grub-in-place --allow-unsafe-interrupts --trial --no-trial --health-cmd --help"
			argopts="--health-cmd"
			;;
		rollback) opts="--no-reboot --help" ;;
		disable) opts="--dry-run --yes --help" ;;
		rom)
			opts="--file --help"
			argopts="--file -f"
			;;
		vm)
			opts="--bios --pcie --no-pcie --primary --no-primary --one-function --mapping --dry-run --yes --force --help"
			argopts="--bios --mapping"
			;;
		map) opts="--dry-run --yes --help" ;;
		*) opts='' ;;
		esac
		opts+=" --root --json --verbose"
		argopts+=" --root"

		# The arguments so far, without options and their values
		# (getopt_long takes options anywhere, up to a "--").
		for ((i = cmd_at + 1; i < _gpupt_cword; i++)); do
			w=${_gpupt_words[i]}
			if ((dashdash)) || [[ $w != -* || $w == - ]]; then
				positional+=("$w")
			elif [[ $w == -- ]]; then
				dashdash=1
			elif [[ $w == --root ]]; then
				((i + 1 < _gpupt_cword)) && _gpupt_path "${_gpupt_words[i + 1]}" && root=$_gpupt_path_value
				((i++))
			elif [[ $w == --root=* ]]; then
				_gpupt_path "${w#--root=}"
				root=$_gpupt_path_value
			else
				[[ $cmd == rom && ($w == --file* || $w == -f*) ]] && from_file=1
				[[ " $argopts " == *" $w "* ]] && ((i++))
			fi
		done

		COMPREPLY=()
		if ((!dashdash)) && [[ $prev == -* && " $argopts " == *" $prev "* ]]; then
			case $prev in
			--file | -f) _gpupt_reply_paths -f "$cur" ;;
			--bios) _gpupt_reply "$cur" ovmf seabios ;;
			--root) _gpupt_reply_paths -d "$cur" ;;
			esac
		elif ((!dashdash)) && [[ $cur == --root=* ]]; then
			_gpupt_reply_paths -d "${cur#--root=}" --root=
		elif ((!dashdash)) && [[ $cmd == rom && $cur == --file=* ]]; then
			_gpupt_reply_paths -f "${cur#--file=}" --file=
		elif ((!dashdash)) && [[ $cmd == vm && $cur == --bios=* ]]; then
			_gpupt_reply "$cur" --bios=ovmf --bios=seabios
		elif ((!dashdash)) && [[ $cur == -* ]]; then
			# shellcheck disable=SC2086 # opts is a list of words
			_gpupt_reply "$cur" $opts
		else
			case $cmd in
			enable)
				_gpupt_devices "$root"
				_gpupt_reply "$cur" "${_gpupt_addrs[@]}" "${_gpupt_slots[@]}" "${_gpupt_ids[@]}"
				;;
			rom)
				# One DEVICE, and none with --file: a function or a slot, not an ID.
				if ((${#positional[@]} == 0 && !from_file)); then
					_gpupt_devices "$root"
					_gpupt_reply "$cur" "${_gpupt_addrs[@]}" "${_gpupt_slots[@]}"
				fi
				;;
			map)
				# NAME first (nothing to offer), then any number of SELs.
				if ((${#positional[@]} >= 1)); then
					_gpupt_devices "$root"
					_gpupt_reply "$cur" "${_gpupt_addrs[@]}" "${_gpupt_slots[@]}" "${_gpupt_ids[@]}"
				fi
				;;
			vm)
				if ((${#positional[@]} == 0)); then
					_gpupt_vmids "$root"
					_gpupt_reply "$cur" "${_gpupt_vmid_list[@]}"
				elif ((${#positional[@]} == 1)); then
					_gpupt_devices "$root"
					_gpupt_reply "$cur" "${_gpupt_addrs[@]}" "${_gpupt_slots[@]}"
				fi
				;;
			esac
		fi
	fi

	# bash replaces only the text after the last ':' or '=' it breaks words
	# at: the replies must leave out what comes before.
	local breaks='' head
	[[ $COMP_WORDBREAKS == *:* ]] && breaks+=:
	[[ $COMP_WORDBREAKS == *=* ]] && breaks+='='
	if [[ $breaks && $cur == *["$breaks"]* ]]; then
		head=${cur%"${cur##*["$breaks"]}"}
		COMPREPLY=("${COMPREPLY[@]#"$head"}")
	fi
	return 0
}

complete -F _gpupt gpupt
