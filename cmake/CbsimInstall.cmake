# Installing cbsim like a tool: programs, data, docs, desktop integration, man pages, bash
# completion, the cbsim::core package for other projects, and the .deb (cpack -G DEB).
# Everything generated here is derived from the programs themselves or from one variable below,
# so nothing can drift: the man pages come from each program's --help (help2man), the
# completion and the man page's subcommand list from cbsim-cli's --help (packaging/cli_docs.sh),
# the PNG icons from the SVG, every version string from CBSIM_VERSION (cmake/CbsimVersion.cmake).
#
# [SECTION] settings       [SECTION] generated files     [SECTION] install rules
# [SECTION] cbsim::core package                          [SECTION] .deb

# ---------------------------------------------------------------------------------------------
# [SECTION] settings
set(CBSIM_APP_ID io.github.cbsim.cbsim)
set(CBSIM_HOMEPAGE "https://github.com/cbsim/cbsim" CACHE STRING
    "Project home page (AppStream metadata, .deb, cbsim.pc)")
set(CBSIM_SCREENSHOT_URL "https://raw.githubusercontent.com/cbsim/cbsim/main/docs/screenshot.png"
    CACHE STRING "Public address of docs/screenshot.png (AppStream metadata)")
# The licence, in one place (Debian copyright file and AppStream metadata). No licence has been
# granted for cbsim yet, so both say so.
set(CBSIM_LICENSE_SPDX "LicenseRef-proprietary" CACHE STRING "SPDX licence of cbsim")
# Licence text of the Debian copyright file, each line indented by one space.
set(CBSIM_LICENSE_TEXT
    " No licence has been granted for cbsim yet: all rights reserved by the\n cbsim authors.")
set(CBSIM_METADATA_LICENSE "FSFAP")
set(CBSIM_COPYRIGHT "2026 The cbsim authors")

# The release date: the commit's date in a git checkout (reproducible), else now.
# string(TIMESTAMP) honours SOURCE_DATE_EPOCH.
if(NOT DEFINED ENV{SOURCE_DATE_EPOCH} AND GIT_FOUND AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
  execute_process(COMMAND ${GIT_EXECUTABLE} log -1 --format=%ct
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _cbsim_epoch
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_cbsim_epoch)
    set(ENV{SOURCE_DATE_EPOCH} ${_cbsim_epoch})
  endif()
endif()
string(TIMESTAMP CBSIM_SOURCE_DATE_EPOCH "%s" UTC)
string(TIMESTAMP CBSIM_RELEASE_DATE "%Y-%m-%d" UTC)
string(TIMESTAMP CBSIM_RELEASE_DATE_RFC2822 "%a, %d %b %Y %H:%M:%S +0000" UTC)

# Maintainer of the .deb: DEBFULLNAME/DEBEMAIL like Debian's own tools, else the author of the
# commit being packaged.
if(NOT CBSIM_PACKAGE_MAINTAINER)
  if(DEFINED ENV{DEBFULLNAME} AND DEFINED ENV{DEBEMAIL})
    set(_cbsim_maintainer "$ENV{DEBFULLNAME} <$ENV{DEBEMAIL}>")
  elseif(GIT_FOUND AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
    execute_process(COMMAND ${GIT_EXECUTABLE} log -1 "--format=%an <%ae>"
                    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _cbsim_maintainer
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  endif()
  if(NOT _cbsim_maintainer)
    set(_cbsim_maintainer "cbsim maintainers <cbsim@users.noreply.github.com>")
  endif()
  set(CBSIM_PACKAGE_MAINTAINER "${_cbsim_maintainer}" CACHE STRING
      "Maintainer of the .deb (Name <email>)")
endif()

# ---------------------------------------------------------------------------------------------
# [SECTION] generated files
set(CBSIM_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(CBSIM_GEN_DIR ${PROJECT_BINARY_DIR}/packaging)
find_program(HELP2MAN help2man REQUIRED)
find_program(RSVG_CONVERT rsvg-convert REQUIRED)
find_program(GZIP_EXECUTABLE gzip REQUIRED)
find_program(BASH_EXECUTABLE bash REQUIRED)

configure_file(${CBSIM_PACKAGING_DIR}/${CBSIM_APP_ID}.metainfo.xml.in
               ${CBSIM_GEN_DIR}/${CBSIM_APP_ID}.metainfo.xml @ONLY)
configure_file(${CBSIM_PACKAGING_DIR}/copyright.in ${CBSIM_GEN_DIR}/copyright @ONLY)
configure_file(${CBSIM_PACKAGING_DIR}/changelog.in ${CBSIM_GEN_DIR}/changelog @ONLY)

# Debian wants its changelog compressed, reproducibly (-n: no name or time stamp inside).
add_custom_command(
  OUTPUT ${CBSIM_GEN_DIR}/changelog.gz
  COMMAND ${GZIP_EXECUTABLE} -9nkf ${CBSIM_GEN_DIR}/changelog
  DEPENDS ${CBSIM_GEN_DIR}/changelog
  VERBATIM)
set(_cbsim_generated ${CBSIM_GEN_DIR}/changelog.gz)

# Icons: the SVG is drawn by hand; every PNG size is rendered from it.
set(CBSIM_ICON_SIZES 16 24 32 48 64 128 256)
foreach(size ${CBSIM_ICON_SIZES})
  set(_png ${CBSIM_GEN_DIR}/icons/${size}x${size}/${CBSIM_APP_ID}.png)
  add_custom_command(
    OUTPUT ${_png}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CBSIM_GEN_DIR}/icons/${size}x${size}
    COMMAND ${RSVG_CONVERT} -w ${size} -h ${size} -o ${_png}
            ${CBSIM_PACKAGING_DIR}/${CBSIM_APP_ID}.svg
    DEPENDS ${CBSIM_PACKAGING_DIR}/${CBSIM_APP_ID}.svg
    COMMENT "rsvg-convert: ${size}x${size} icon"
    VERBATIM)
  list(APPEND _cbsim_generated ${_png})
endforeach()

# Man pages from --help. The programs run from the build tree with their folder first on PATH,
# so the pages name "cbsim-cli", never a build path; SOURCE_DATE_EPOCH dates them.
set(_cbsim_man_env ${CMAKE_COMMAND} -E env SOURCE_DATE_EPOCH=${CBSIM_SOURCE_DATE_EPOCH}
    --unset=CBSIM_ASSET_DIR "PATH=${PROJECT_BINARY_DIR}:$ENV{PATH}")
add_custom_command(
  OUTPUT ${CBSIM_GEN_DIR}/cbsim-cli-subcommands.h2m
  COMMAND ${_cbsim_man_env} ${BASH_EXECUTABLE} ${CBSIM_PACKAGING_DIR}/cli_docs.sh man cbsim-cli
          > ${CBSIM_GEN_DIR}/cbsim-cli-subcommands.h2m
  DEPENDS cbsim-cli ${CBSIM_PACKAGING_DIR}/cli_docs.sh
  WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
  VERBATIM)
add_custom_command(
  OUTPUT ${CBSIM_GEN_DIR}/cbsim-cli.1.gz
  COMMAND ${_cbsim_man_env} ${HELP2MAN} --no-info
          "--name=headless circuit-breaker simulator"
          --include=${CBSIM_GEN_DIR}/cbsim-cli-subcommands.h2m
          --include=${CBSIM_PACKAGING_DIR}/cbsim-cli.h2m
          --output=${CBSIM_GEN_DIR}/cbsim-cli.1 cbsim-cli
  COMMAND ${GZIP_EXECUTABLE} -9nf ${CBSIM_GEN_DIR}/cbsim-cli.1
  DEPENDS cbsim-cli ${CBSIM_GEN_DIR}/cbsim-cli-subcommands.h2m
          ${CBSIM_PACKAGING_DIR}/cbsim-cli.h2m
  COMMENT "help2man: cbsim-cli(1)"
  VERBATIM)
list(APPEND _cbsim_generated ${CBSIM_GEN_DIR}/cbsim-cli.1.gz)
if(TARGET cbsim)
  add_custom_command(
    OUTPUT ${CBSIM_GEN_DIR}/cbsim.1.gz
    COMMAND ${_cbsim_man_env} ${HELP2MAN} --no-info
            "--name=interactive circuit-breaker simulator"
            --include=${CBSIM_PACKAGING_DIR}/cbsim.h2m --output=${CBSIM_GEN_DIR}/cbsim.1 cbsim
    COMMAND ${GZIP_EXECUTABLE} -9nf ${CBSIM_GEN_DIR}/cbsim.1
    DEPENDS cbsim ${CBSIM_PACKAGING_DIR}/cbsim.h2m
    COMMENT "help2man: cbsim(1)"
    VERBATIM)
  list(APPEND _cbsim_generated ${CBSIM_GEN_DIR}/cbsim.1.gz)
endif()

# Bash completion, from cbsim-cli's own subcommands and options.
add_custom_command(
  OUTPUT ${CBSIM_GEN_DIR}/cbsim-cli.bash
  COMMAND ${_cbsim_man_env} ${BASH_EXECUTABLE} ${CBSIM_PACKAGING_DIR}/cli_docs.sh completion
          cbsim-cli > ${CBSIM_GEN_DIR}/cbsim-cli.bash
  DEPENDS cbsim-cli ${CBSIM_PACKAGING_DIR}/cli_docs.sh
  COMMENT "bash completion of cbsim-cli"
  VERBATIM)
list(APPEND _cbsim_generated ${CBSIM_GEN_DIR}/cbsim-cli.bash)

add_custom_target(cbsim_packaging_files ALL DEPENDS ${_cbsim_generated})

# ---------------------------------------------------------------------------------------------
# [SECTION] install rules
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
install(TARGETS cbsim-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/presets ${PROJECT_SOURCE_DIR}/assets/scenarios
                  ${PROJECT_SOURCE_DIR}/assets/sweeps
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cbsim)
# README.md links docs/*.md and docs/screenshot.png: the same layout keeps the links working.
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${CBSIM_GEN_DIR}/copyright
              ${CBSIM_GEN_DIR}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md" PATTERN "*.png")
install(FILES ${CBSIM_GEN_DIR}/cbsim-cli.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CBSIM_GEN_DIR}/cbsim-cli.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME cbsim-cli)
if(TARGET cbsim)
  install(TARGETS cbsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES ${CBSIM_GEN_DIR}/cbsim.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${CBSIM_PACKAGING_DIR}/${CBSIM_APP_ID}.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${CBSIM_GEN_DIR}/${CBSIM_APP_ID}.metainfo.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES ${CBSIM_PACKAGING_DIR}/${CBSIM_APP_ID}.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  foreach(size ${CBSIM_ICON_SIZES})
    install(FILES ${CBSIM_GEN_DIR}/icons/${size}x${size}/${CBSIM_APP_ID}.png
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
  endforeach()
endif()

# ---------------------------------------------------------------------------------------------
# [SECTION] cbsim::core package: find_package(cbsim CONFIG REQUIRED) or pkg-config cbsim
include(CMakePackageConfigHelpers)
set(CBSIM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/cbsim)
install(TARGETS cbsim_core EXPORT cbsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/include/cbsim
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/core/generated/cbsim/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cbsim)
install(EXPORT cbsimTargets NAMESPACE cbsim:: DESTINATION ${CBSIM_CMAKE_DIR})
configure_package_config_file(${CBSIM_PACKAGING_DIR}/cbsimConfig.cmake.in
                              ${CBSIM_GEN_DIR}/cbsimConfig.cmake
                              INSTALL_DESTINATION ${CBSIM_CMAKE_DIR})
# 0.x: a minor version may change the API.
write_basic_package_version_file(${CBSIM_GEN_DIR}/cbsimConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CBSIM_GEN_DIR}/cbsimConfig.cmake ${CBSIM_GEN_DIR}/cbsimConfigVersion.cmake
        DESTINATION ${CBSIM_CMAKE_DIR})
# cbsim.pc finds its prefix from its own place (${pcfiledir}), so the prefix may move.
file(RELATIVE_PATH CBSIM_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" CBSIM_PC_TO_PREFIX "${CBSIM_PC_TO_PREFIX}")
configure_file(${CBSIM_PACKAGING_DIR}/cbsim.pc.in ${CBSIM_GEN_DIR}/cbsim.pc @ONLY)
install(FILES ${CBSIM_GEN_DIR}/cbsim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# ---------------------------------------------------------------------------------------------
# [SECTION] .deb: cpack -G DEB (in the build folder) -> cbsim_<version>_<arch>.deb
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cbsim)
set(CPACK_PACKAGE_VERSION ${CBSIM_VERSION})
set(CPACK_PACKAGE_VENDOR "The cbsim authors")
set(CPACK_PACKAGE_CONTACT "${CBSIM_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "interactive circuit-breaker simulator")
# Debian wants lines of at most 80 characters.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "cbsim drives a real circuit-breaker engine against simulated downstream\n\
services whose failure rates, latencies and capacity change with sliders while\n\
the run goes on; plots show when the breaker opens, probes and closes, and why.\n\
Presets reproduce gobreaker, Resilience4j, Polly and Hystrix. Runs are\n\
deterministic: the same scenario and seed give byte-identical CSV files.\n\
.\n\
The package holds the desktop app (cbsim), the headless cbsim-cli for batch\n\
runs, trace replay and CI, presets and scenarios, and the cbsim::core static\n\
library with its headers, CMake package and pkg-config file.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CBSIM_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${CBSIM_HOMEPAGE}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Beyond the linked libraries (dpkg-shlibdeps): the GUI loads libGL.so.1 at run time and its
# fonts from DejaVu.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libgl1, fonts-dejavu-core")
# Building against cbsim::core needs toml++'s and zlib's development files.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libtomlplusplus-dev, zlib1g-dev, cmake | pkg-config")
set(CPACK_THREADS 0)
include(CPack)
