#pragma once
// One INI file (etc/automat.conf), OpenStack style: a [DEFAULT] section and
// one section per service. Every option is documented in etc/automat.conf.
// Command-line flags override file values through set().
#include <map>
#include <optional>
#include <string>

namespace automat::common {

class Config {
 public:
  // Parses `path`; throws common::Error(kBadRequest) naming the file and line
  // when it cannot be read or parsed.
  static Config load(const std::string& path);
  static Config from_string(const std::string& ini_text);

  // Looks `key` up in `section`, then in [DEFAULT]; returns `fallback`
  // when it is in neither.
  std::string get(const std::string& section, const std::string& key,
                  const std::string& fallback = "") const;
  int get_int(const std::string& section, const std::string& key, int fallback) const;
  double get_double(const std::string& section, const std::string& key, double fallback) const;
  bool get_bool(const std::string& section, const std::string& key, bool fallback) const;
  std::optional<std::string> find(const std::string& section, const std::string& key) const;

  void set(const std::string& section, const std::string& key, const std::string& value);

 private:
  std::map<std::string, std::map<std::string, std::string>> sections_;
};

}  // namespace automat::common
