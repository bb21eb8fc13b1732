# CBSIM_VERSION: the version every artefact prints or carries (cbsim --version, cbsim-cli
# --version, the .deb, cbsim.pc, the CMake package, the man pages). One source: project(VERSION),
# refined by `git describe` when the sources are a git checkout:
#   HEAD tagged v<PROJECT_VERSION>         -> <PROJECT_VERSION>
#   N commits past the newest v* tag       -> <PROJECT_VERSION>+git<N>.g<hash>
#   no v* tag yet                          -> <PROJECT_VERSION>+git<commits>.g<hash>
#   no git (a source tarball)              -> <PROJECT_VERSION>
# The result is a valid Debian upstream version. A commit re-runs the configure step, so the
# build never prints a stale version.
set(CBSIM_VERSION ${PROJECT_VERSION})
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=7 HEAD
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _cbsim_hash
                  RESULT_VARIABLE _cbsim_git_rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_cbsim_git_rc EQUAL 0)
    execute_process(COMMAND ${GIT_EXECUTABLE} describe --tags --match "v[0-9]*" --long
                    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _cbsim_describe
                    RESULT_VARIABLE _cbsim_describe_rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(_cbsim_describe_rc EQUAL 0 AND _cbsim_describe MATCHES "^v(.+)-([0-9]+)-g[0-9a-f]+$")
      set(_cbsim_tag ${CMAKE_MATCH_1})
      set(_cbsim_distance ${CMAKE_MATCH_2})
    else()
      set(_cbsim_tag "")
      execute_process(COMMAND ${GIT_EXECUTABLE} rev-list --count HEAD
                      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _cbsim_distance
                      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    endif()
    if(NOT (_cbsim_tag STREQUAL PROJECT_VERSION AND _cbsim_distance EQUAL 0))
      set(CBSIM_VERSION "${PROJECT_VERSION}+git${_cbsim_distance}.g${_cbsim_hash}")
    endif()
    # Re-configure when HEAD moves (a commit, a checkout): HEAD itself and the branch it names.
    foreach(_cbsim_ref HEAD packed-refs)
      execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --git-path ${_cbsim_ref}
                      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _cbsim_path
                      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      list(APPEND _cbsim_watch ${_cbsim_path})
    endforeach()
    execute_process(COMMAND ${GIT_EXECUTABLE} symbolic-ref -q HEAD
                    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _cbsim_branch
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(_cbsim_branch)
      execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --git-path ${_cbsim_branch}
                      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _cbsim_path
                      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      list(APPEND _cbsim_watch ${_cbsim_path})
    endif()
    foreach(_cbsim_path ${_cbsim_watch})
      if(NOT IS_ABSOLUTE ${_cbsim_path})
        set(_cbsim_path ${PROJECT_SOURCE_DIR}/${_cbsim_path})
      endif()
      if(EXISTS ${_cbsim_path})
        set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                     ${_cbsim_path})
      endif()
    endforeach()
  endif()
endif()
message(STATUS "cbsim version ${CBSIM_VERSION}")
