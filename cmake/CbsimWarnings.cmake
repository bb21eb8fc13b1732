# cbsim_set_warnings(target): the project's warning set for our own code (not generated code).
function(cbsim_set_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                               -Wold-style-cast -Wcast-align -Woverloaded-virtual
                               -Wconversion -Wsign-conversion -Wnull-dereference
                               -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough>)
endfunction()
