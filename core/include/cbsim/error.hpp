// cbsim/error.hpp: the one error type of every loader (breaker config, scenario, trace).
//
// A message a person can act on names the file, the line, the key and what was allowed:
//   "scenario.toml:12: key 'B.failure_rate': 1.5 is out of range; expected a number in [0, 1]"
#pragma once

#include <stdexcept>
#include <string>

#include "cbsim/text.hpp"

namespace cbsim {

class ConfigError : public std::runtime_error {
  public:
    /// `line` is 1-based; 0 when unknown (e.g. a missing key, reported at the table's line).
    ConfigError(std::string file, int line, std::string key, std::string message)
        : std::runtime_error(format(file, line, key, message)),
          file_(std::move(file)),
          line_(line),
          key_(std::move(key)),
          message_(std::move(message)) {}

    const std::string& file() const { return file_; }
    int line() const { return line_; }
    const std::string& key() const { return key_; }
    /// The message without the file/line/key prefix.
    const std::string& message() const { return message_; }

  private:
    static std::string format(const std::string& file, int line, const std::string& key,
                              const std::string& message) {
        // What came from a file or a command line is shown escaped and cut (printable): a
        // control character never reaches the terminal, a 100 kB key never floods it.
        std::string out = file.empty() ? std::string("<input>") : printable(file, 4096);
        if (line > 0) {
            out += ':';
            out += std::to_string(line);
        }
        out += ": ";
        if (!key.empty()) {
            out += "key '";
            out += printable(key, 200);
            out += "': ";
        }
        out += printable(message, 4096);
        return out;
    }

    std::string file_;
    int line_;
    std::string key_;
    std::string message_;
};

}  // namespace cbsim
