# SPDX-License-Identifier: GPL-2.0-or-later
# What `cmake --install` (and so the Debian package) installs besides the binaries: man pages,
# bash completion, the JSON Schema and examples as documentation, and an empty /etc/vtigw that
# only root can read (configurations and PSK files go there; none is shipped).
install(FILES docs/man/vtigw.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES docs/man/vtigw.json.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES completion/vtigw.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME vtigw)
install(FILES schema/vtigw.schema.json DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
  FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(DIRECTORY DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/vtigw
  DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE)
