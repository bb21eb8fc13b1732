# glad2 GL 3.3 core loader, generated at build time and offline: --reproducible makes glad use the
# gl.xml bundled with python3-glad instead of downloading the newest one.
find_program(GLAD_EXECUTABLE NAMES glad PATHS /usr/bin NO_DEFAULT_PATH)
find_program(GLAD_EXECUTABLE NAMES glad REQUIRED)
set(GLAD_OUT_DIR ${CMAKE_BINARY_DIR}/glad_gl33)
set(GLAD_OUTPUTS
  ${GLAD_OUT_DIR}/src/gl.c
  ${GLAD_OUT_DIR}/include/glad/gl.h
  ${GLAD_OUT_DIR}/include/KHR/khrplatform.h)
add_custom_command(
  OUTPUT ${GLAD_OUTPUTS}
  COMMAND ${GLAD_EXECUTABLE} --quiet --reproducible --api gl:core=3.3 --extensions=GL_KHR_debug
          --out-path ${GLAD_OUT_DIR} c
  COMMENT "glad: generating the GL 3.3 core loader"
  VERBATIM)
add_library(glad_gl33 STATIC ${GLAD_OUTPUTS})
target_include_directories(glad_gl33 SYSTEM PUBLIC ${GLAD_OUT_DIR}/include)
set_target_properties(glad_gl33 PROPERTIES POSITION_INDEPENDENT_CODE ON)
