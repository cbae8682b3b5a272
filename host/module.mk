# host/: the host tool `gpupt` (libpci, libkmod, libblkid).
#   host/main.c       global options and the command table
#   host/commands/    one file per command
#   host/model/       the host as gpupt sees it: devices, selection, safety,
#                     kernels, boot loaders, initramfs generators, journal
#   host/formats/     pure editors and parsers of file formats (fuzzed)
HOST_SRCS := $(sort $(wildcard host/*.c host/*/*.c))
HOST_OBJS := $(HOST_SRCS:%.c=$(B)/%.o)
HOST_LIB_OBJS := $(filter-out $(B)/host/main.o,$(HOST_OBJS))
HOST_PKGS := libpci libkmod blkid
HOST_LIBS = $(shell $(PKG_CONFIG) --libs $(HOST_PKGS) 2>/dev/null || echo -lpci -lkmod -lblkid)
HOST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(HOST_PKGS) 2>/dev/null)
HOST_FORMAT_SRCS := $(sort $(wildcard host/formats/*.c))

ifneq ($(wildcard host/main.c),)
BINS += $(B)/gpupt
endif

$(B)/gpupt: $(HOST_OBJS) $(SYSFS_OBJS) $(PARSE_LIB) $(LIB_A)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(HOST_LIBS)

# The library headers' flags reach every object that may include them.
$(HOST_OBJS): ALL_CFLAGS += $(HOST_CFLAGS)
# Where the binder is installed, below the root: the images' records name it.
$(B)/host/model/images.o: ALL_CFLAGS += -DGPUPT_BINDER_PATH='"$(patsubst /%,%,$(LIBEXECDIR))/gpupt/gpupt-bind"'

install-host: $(B)/gpupt
	install -D -m 0755 $(B)/gpupt $(DESTDIR)$(SBINDIR)/gpupt
uninstall-host:
	rm -f $(DESTDIR)$(SBINDIR)/gpupt
INSTALL_TARGETS += install-host
UNINSTALL_TARGETS += uninstall-host
.PHONY: install-host uninstall-host
