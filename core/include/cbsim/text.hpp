// cbsim/text.hpp: user text made fit for a one-line message or a file name.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cbsim {

/// The length (2 to 4) of the valid UTF-8 sequence of a non-ASCII character starting at
/// text[i], or 0 when the bytes there are not one (a stray continuation byte, an overlong or
/// truncated sequence).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

/// `text` fit for a one-line message: printable ASCII and valid UTF-8 characters kept, control
/// characters and any other byte as \xNN; cut after `max_bytes` bytes of input (on a character
/// boundary), with "..." appended when anything was cut. Used for every name, key and value a
/// message quotes from a file or a command line.
std::string printable(std::string_view text, std::size_t max_bytes = 60);

}  // namespace cbsim
