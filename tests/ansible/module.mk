# tests/ansible/: the Ansible collection in contrib/ansible (modules gpupt and
# gpupt_map, role gpupt): ansible-doc renders the modules, ansible-lint is
# clean, and the example playbook runs on three fixture roots (Proxmox
# systemd-boot, Debian GRUB, systemd-boot) with ansible_connection=local:
# check mode, two runs (the second changes nothing), disable restores every
# byte.  No network; installs its dependencies as root (deps.txt).
SHELL_SCRIPTS += tests/ansible/run

check-ansible: all
	sh tests/ansible/run
.PHONY: check-ansible
