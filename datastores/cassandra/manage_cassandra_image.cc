#include "datastores/cassandra/manage_cassandra_image.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "datastores/cassandra/manage_cassandra_conf_files.h"

namespace automat::datastores::cassandra {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDependencyPlugin = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1";

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Written whole and fsynced (common/atomic_file.h): the image's files and
// its .complete marker survive a crash once the image is published.
void write_file(const fs::path& path, const std::string& text) {
  common::write_file_atomically(path.string(), text, 0644);
}

// True when `dir` holds a finished image of `version`: its .complete names
// the version and the jamm jar it lists is there.
bool is_complete(const fs::path& dir, const std::string& version) {
  std::istringstream marker(read_file(dir / ".complete"));
  std::string field, jamm;
  bool version_ok = false;
  while (marker >> field) {
    if (field == "version=" + version) version_ok = true;
    if (field.starts_with("jamm=")) jamm = field.substr(5);
  }
  return version_ok && !jamm.empty() && fs::exists(dir / "lib" / jamm);
}

std::string pom_for(const std::string& version) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>automat</groupId>
  <artifactId>cassandra-image</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>)" +
         version + R"(</version>
    </dependency>
  </dependencies>
</project>
)";
}

// Maven and Cassandra want Java 17; JAVA_HOME may name another release.
std::map<std::string, std::string> maven_environment() {
  for (const char* home :
       {"/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/java-17-openjdk-arm64"}) {
    if (fs::exists(fs::path(home) / "bin" / "java")) return {{"JAVA_HOME", home}};
  }
  return {};
}

bool means_missing(const std::string& reason) {
  return reason.find("Could not find artifact") != std::string::npos ||
         reason.find("has not been downloaded from it before") != std::string::npos ||
         reason.find("was not found in") != std::string::npos;
}

// One build of an image in its staging directory, removed unless published.
class ImageBuild {
 public:
  ImageBuild(const CassandraImageSpec& spec, common::ProgramRunner& runner, std::ostream& out)
      : spec_(spec),
        runner_(runner),
        out_(out),
        dest_(fs::absolute(fs::path(spec.images_dir) / "cassandra" / spec.version)),
        stage_(dest_.string() + ".partial." + std::to_string(::getpid())),
        work_(stage_ / ".work"),
        repo_(fs::absolute(spec.maven_repo.empty() ? dest_.parent_path() / ".m2"
                                                   : fs::path(spec.maven_repo))) {}
  ~ImageBuild() {
    std::error_code ec;
    fs::remove_all(stage_, ec);
  }

  CassandraImage run();

 private:
  std::string artifact_dir(const std::string& artifact) const {
    return (repo_ / "org/apache/cassandra" / artifact / spec_.version).string();
  }
  common::ProgramRun mvn(const std::vector<std::string>& goal_args, bool offline);
  bool try_binary_distribution();
  void copy_cassandra_all();
  CassandraImage publish(int jars, const std::string& source);
  void say(const std::string& line) {
    out_ << "Cassandra " << spec_.version << ": " << line << "\n";
  }

  const CassandraImageSpec& spec_;
  common::ProgramRunner& runner_;
  std::ostream& out_;
  fs::path dest_, stage_, work_, repo_;
};

common::ProgramRun ImageBuild::mvn(const std::vector<std::string>& goal_args, bool offline) {
  std::vector<std::string> argv{"mvn", "-B", "-q", "-Dstyle.color=never"};
  if (offline) argv.push_back("-o");
  argv.insert(argv.end(),
              {"-f", (work_ / "pom.xml").string(), "-Dmaven.repo.local=" + repo_.string()});
  argv.insert(argv.end(), goal_args.begin(), goal_args.end());
  common::ProgramRun run = runner_.run(argv, maven_environment());
  if (run.exit_code == -1) {
    throw common::unavailable("cannot run mvn (scripts/install_deps.sh installs Debian's maven): " +
                              run.output);
  }
  return run;
}

// The distribution tarball, from the local repository or Central; true
// when it was found and unpacked into the stage.
bool ImageBuild::try_binary_distribution() {
  const std::string coordinates =
      "org.apache.cassandra:apache-cassandra:" + spec_.version + ":tar.gz:bin";
  fs::path tarball = fs::path(artifact_dir("apache-cassandra")) /
                     ("apache-cassandra-" + spec_.version + "-bin.tar.gz");
  if (!fs::exists(tarball)) {
    if (spec_.offline) {
      say("the binary distribution is not in the local Maven repository; using cassandra-all");
      return false;
    }
    const common::ProgramRun got =
        mvn({std::string(kDependencyPlugin) + ":copy", "-Dartifact=" + coordinates,
             "-DoutputDirectory=" + (work_ / "dist").string()},
            false);
    if (!got.ok()) {
      say("the binary distribution " + coordinates + " is not on Maven Central (" +
          maven_reason(got.output) + "); building from cassandra-all and its runtime dependencies");
      return false;
    }
    tarball = work_ / "dist" / tarball.filename();
  }
  say("unpacking the binary distribution " + coordinates);
  const common::ProgramRun untar =
      runner_.run({"tar", "-xzf", tarball.string(), "-C", stage_.string(), "--strip-components=1",
                   "--no-same-owner"},
                  {});
  if (!untar.ok()) {
    throw common::unavailable("cannot unpack " + tarball.string() + ": " + untar.output);
  }
  return true;
}

// cassandra-all and its runtime closure into lib/: offline first when the
// repository already has the version's pom, then online.
void ImageBuild::copy_cassandra_all() {
  const std::vector<std::string> copy{std::string(kDependencyPlugin) + ":copy-dependencies",
                                      "-DincludeScope=runtime",
                                      "-DoutputDirectory=" + (stage_ / "lib").string()};
  const bool cached = fs::exists(fs::path(artifact_dir("cassandra-all")) /
                                 ("cassandra-all-" + spec_.version + ".pom"));
  common::ProgramRun run;
  if (spec_.offline || cached) {
    run = mvn(copy, true);
    if (run.ok()) say("resolved cassandra-all from the local Maven repository " + repo_.string());
  }
  if (!run.ok() && !spec_.offline) {
    fs::remove_all(stage_ / "lib");
    say("downloading cassandra-all and its runtime dependencies into " + repo_.string());
    run = mvn(copy, false);
  }
  if (!run.ok()) {
    const std::string reason = maven_reason(run.output);
    const std::string message = "cannot install Cassandra " + spec_.version + ": " + reason;
    throw means_missing(reason) ? common::not_found(message) : common::unavailable(message);
  }
  if (!fs::exists(stage_ / "lib" / ("cassandra-all-" + spec_.version + ".jar"))) {
    throw common::internal_error("cassandra-all-" + spec_.version + ".jar is missing after mvn");
  }
}

CassandraImage ImageBuild::publish(int jars, const std::string& source) {
  fs::remove_all(work_);
  std::error_code ec;
  if (fs::exists(dest_) && !is_complete(dest_, spec_.version)) fs::remove_all(dest_);
  fs::rename(stage_, dest_, ec);
  if (ec) {
    if (is_complete(dest_, spec_.version)) {  // a concurrent install finished first
      return {dest_.string(), true, jars, "cached"};
    }
    throw common::internal_error("cannot move " + stage_.string() + " to " + dest_.string() + ": " +
                                 ec.message());
  }
  common::sync_directory(dest_.parent_path().string());  // the move survives a crash
  return {dest_.string(), false, jars, source};
}

CassandraImage ImageBuild::run() {
  const auto started = std::chrono::steady_clock::now();
  fs::remove_all(stage_);
  fs::create_directories(work_);
  fs::create_directories(stage_ / "conf" / "triggers");  // -Dcassandra.triggers_dir: none
  fs::create_directories(repo_);
  write_file(work_ / "pom.xml", pom_for(spec_.version));

  const bool distribution = try_binary_distribution();
  if (!distribution) copy_cassandra_all();

  int jars = 0;
  std::string jamm;
  for (const auto& entry : fs::directory_iterator(stage_ / "lib")) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".jar")) continue;
    ++jars;
    if (name.starts_with("jamm-")) jamm = name;
  }
  if (jamm.empty()) throw common::internal_error("no jamm jar among the image's libraries");
  for (const auto& file : cassandra_conf_files())
    write_file(stage_ / "conf" / file.name, file.text);
  write_file(stage_ / ".complete",
             "version=" + spec_.version + " jars=" + std::to_string(jars) + " jamm=" + jamm + "\n");

  CassandraImage image = publish(jars, distribution ? "binary distribution" : "cassandra-all");
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  std::ostringstream line;
  line.precision(1);
  line << std::fixed << "laid out " << image.dir << " (" << jars << " jars from " << image.source
       << ") in " << seconds.count() << " s";
  say(line.str());
  return image;
}

}  // namespace

std::string maven_reason(const std::string& output) {
  const std::string plain = std::regex_replace(output, std::regex("\x1b\\[[0-9;]*m"), "");
  std::istringstream lines(plain);
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find("[ERROR] ");
    if (at == std::string::npos || line.size() <= at + 8) continue;
    std::string reason = line.substr(at + 8);
    for (const std::string preamble :
         {"on project cassandra-image: ", "Could not resolve dependencies for project ",
          "Unable to find/resolve artifact. "}) {
      const size_t p = reason.find(preamble);
      if (p == std::string::npos) continue;
      reason = reason.substr(p + preamble.size());
      if (preamble.starts_with("Could not resolve")) reason = reason.substr(reason.find(": ") + 2);
    }
    reason = reason.substr(0, reason.find(" -> [Help"));
    return reason.substr(0, reason.find(". This failure was cached"));
  }
  return "mvn failed without an [ERROR] line";
}

CassandraImage install_cassandra_image(const CassandraImageSpec& spec,
                                       common::ProgramRunner& runner, std::ostream& out) {
  if (!std::regex_match(spec.version, std::regex("[0-9]+\\.[0-9]+\\.[0-9]+"))) {
    throw common::bad_request("--version must be a Cassandra release like 5.0.9, got '" +
                              spec.version + "'");
  }
  if (spec.images_dir.empty()) throw common::bad_request("the images directory must be set");
  const fs::path dest = fs::absolute(fs::path(spec.images_dir) / "cassandra" / spec.version);
  if (is_complete(dest, spec.version)) {
    std::string marker = read_file(dest / ".complete");
    while (!marker.empty() && marker.back() == '\n') marker.pop_back();
    out << "Cassandra " << spec.version << ": image already at " << dest.string() << " (" << marker
        << ")\n";
    const size_t jars = marker.find("jars=");
    return {dest.string(), true,
            jars == std::string::npos ? 0 : std::atoi(marker.c_str() + jars + 5), "cached"};
  }
  return ImageBuild(spec, runner, out).run();
}

}  // namespace automat::datastores::cassandra
