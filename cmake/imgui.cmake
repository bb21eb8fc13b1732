# Dear ImGui 1.86 from Debian's libimgui-dev: a static libimgui.a with the GLFW and OpenGL3
# backends inside. An IMPORTED STATIC target (not pkg-config's INTERFACE one) keeps glfw after
# libimgui.a on the link line, which Debian's default --as-needed requires.
find_path(IMGUI_INCLUDE_DIR imgui.h PATH_SUFFIXES imgui REQUIRED)
find_library(IMGUI_LIBRARY NAMES libimgui.a imgui REQUIRED)
find_library(STB_LIBRARY NAMES stb REQUIRED)
find_path(STB_INCLUDE_DIR stb_image_write.h PATH_SUFFIXES stb REQUIRED)
add_library(imgui::imgui STATIC IMPORTED)
set_target_properties(imgui::imgui PROPERTIES
  IMPORTED_LOCATION "${IMGUI_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${IMGUI_INCLUDE_DIR};${STB_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "${STB_LIBRARY};glfw;${CMAKE_DL_LIBS};m")
# ImGui's headers are third-party: include them as system headers so our warning set ignores them.
set_property(TARGET imgui::imgui PROPERTY INTERFACE_SYSTEM_INCLUDE_DIRECTORIES
  "${IMGUI_INCLUDE_DIR};${STB_INCLUDE_DIR}")
