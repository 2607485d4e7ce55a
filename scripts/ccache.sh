# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by scripts/build and scripts/package: compile through ccache so that the package build
# (scripts/package, ctest pkg.deb) takes its objects from the main build's instead of compiling the
# product a second time. Both compile the product with the same flags (scripts/build asks
# dpkg-buildflags the way debian/rules does); for the cache to hit across the two trees:
#   base_dir ROOT   absolute paths under the source root are hashed and compiled relative to the
#                   compiler's working directory, which is equally deep in both trees
#                   (build/vti, build/pkg/src/vtigw-V/obj-x86_64-linux-gnu/vti: ../../vti/src/…);
#   hash_dir false  that working directory is not hashed: it only lands in debug information
#                   (DW_AT_comp_dir), which the package strips;
#   ignore_options  -Werror: the main build fails on any warning, the package build (VTIGW_WERROR
#                   OFF, as users build it) does not; a warning-free object is the same either way.
# The plugin's C files miss: the strongSwan headers (BUILD_DIR/deps) lie at another relative path
# from the package's tree, so those 16 small files compile again.
# The package build only reads the cache (vtigw_ccache … readonly): every object in it was
# compiled with -Werror, so a warning can never hide behind a cache hit.
# The cache: $CCACHE_DIR when set, else BUILD_DIR/ccache. VTIGW_CCACHE=0 compiles without ccache.
#
#   vtigw_ccache ROOT BUILD_DIR [readonly]   exports the CCACHE_* and CMAKE_*_COMPILER_LAUNCHER
#                                            variables; returns 1 when ccache is not used
vtigw_ccache() {
  [ "${VTIGW_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null || return 1
  export CCACHE_DIR=${CCACHE_DIR:-$2/ccache}
  export CCACHE_BASEDIR=$1 CCACHE_NOHASHDIR=1 CCACHE_IGNOREOPTIONS=-Werror
  if [ "${3:-}" = readonly ]; then export CCACHE_READONLY=1; else unset CCACHE_READONLY; fi
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
}
