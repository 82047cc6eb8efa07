# What `make install` (cmake --install) puts where, under CMAKE_INSTALL_PREFIX (and DESTDIR):
#   bin/                                   rproc-sign rproc-teed rprocd rprocctl (tools/)
#   share/man/man1/                        one page per program (docs/man)
#   share/bash-completion/completions/     rprocctl, rproc-sign (dist/bash-completion)
#   lib/systemd/system/                    rprocd.service, rproc-teed.service (dist/systemd)
#   lib/sysusers.d/rproc-tee.conf          their dedicated user
#   share/remoteproc-tee/boards/           the boards, trusting no key
#   share/doc/remoteproc-tee/              README.md and docs/
# No key is installed: keys/demo-test-only.pem is published and test-only, and the installed
# boards lose their `trusted-keys` (which name it): the keys to trust are the user's.
include(GNUInstallDirs)

set(RPT_DATADIR_REL ${CMAKE_INSTALL_DATADIR}/remoteproc-tee)
set(RPT_DATADIR ${CMAKE_INSTALL_FULL_DATADIR}/remoteproc-tee)
set(RPT_DOCDIR_REL ${CMAKE_INSTALL_DATADIR}/doc/remoteproc-tee)
set(RPT_SYSTEMD_UNITDIR "lib/systemd/system" CACHE STRING
	"Where the systemd units go, relative to the prefix")
set(RPT_SYSUSERSDIR "lib/sysusers.d" CACHE STRING
	"Where the sysusers.d file goes, relative to the prefix")
set(RPT_VERSION ${PROJECT_VERSION})

# Man pages: @RPT_VERSION@ and @RPT_DATADIR@ filled in.
foreach(page rprocd rprocctl rproc-teed rproc-sign)
	configure_file(${CMAKE_SOURCE_DIR}/docs/man/${page}.1.in ${CMAKE_BINARY_DIR}/man/man1/${page}.1 @ONLY)
	install(FILES ${CMAKE_BINARY_DIR}/man/man1/${page}.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endforeach()

install(FILES ${CMAKE_SOURCE_DIR}/dist/bash-completion/rprocctl
	${CMAKE_SOURCE_DIR}/dist/bash-completion/rproc-sign
	DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# The units, for the installed programs; and a copy for the build's bin/ that the
# systemd-analyze test verifies (verify checks that ExecStart's program exists).
foreach(unit rprocd rproc-teed)
	set(RPT_BINDIR ${CMAKE_INSTALL_FULL_BINDIR})
	configure_file(${CMAKE_SOURCE_DIR}/dist/systemd/${unit}.service.in
		${CMAKE_BINARY_DIR}/dist/systemd/${unit}.service @ONLY)
	install(FILES ${CMAKE_BINARY_DIR}/dist/systemd/${unit}.service
		DESTINATION ${RPT_SYSTEMD_UNITDIR})
	set(RPT_BINDIR ${CMAKE_BINARY_DIR}/bin)
	configure_file(${CMAKE_SOURCE_DIR}/dist/systemd/${unit}.service.in
		${CMAKE_BINARY_DIR}/dist/systemd-test/${unit}.service @ONLY)
endforeach()
install(FILES ${CMAKE_SOURCE_DIR}/dist/systemd/rproc-tee.sysusers DESTINATION ${RPT_SYSUSERSDIR}
	RENAME rproc-tee.conf)

# Boards without their `trusted-keys` line (it names the test-only demo key).
file(GLOB RPT_INSTALL_BOARDS ${CMAKE_SOURCE_DIR}/boards/*.dts)
# The legacy-layout board is for tests only (shared stack: never a real device).
list(FILTER RPT_INSTALL_BOARDS EXCLUDE REGEX "-legacy\\.dts$")
install(CODE "
	foreach(dts ${RPT_INSTALL_BOARDS})
		get_filename_component(name \${dts} NAME)
		set(dest \"\$ENV{DESTDIR}${RPT_DATADIR}/boards/\${name}\")
		file(READ \${dts} text)
		string(REGEX REPLACE \"[ \\t]*trusted-keys[^;]*;[^\\n]*\\n\" \"\" text \"\${text}\")
		message(STATUS \"Installing (no trusted keys): \${dest}\")
		file(WRITE \${dest} \"\${text}\")
	endforeach()
")

install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${RPT_DOCDIR_REL})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${RPT_DOCDIR_REL}
	PATTERN "man" EXCLUDE)
