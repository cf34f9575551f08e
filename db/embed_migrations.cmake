# Generates a .cc defining automat::db::embedded_migrations() from the SQL
# files, ordered by file name. Run with:
#   cmake -DOUTPUT=<file.cc> -DINPUTS=<a.sql;b.sql> -P embed_migrations.cmake
list(SORT INPUTS)
set(body "")
foreach(path IN LISTS INPUTS)
  get_filename_component(version "${path}" NAME_WE)
  file(READ "${path}" sql)
  string(FIND "${sql}" ")automat_sql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${path} contains the raw-string delimiter )automat_sql\"")
  endif()
  string(APPEND body "      {\"${version}\", R\"automat_sql(${sql})automat_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp"
"// Generated from db/migrations/*.sql by db/embed_migrations.cmake. Do not edit.
#include \"db/migrator.h\"

namespace automat::db {

const std::vector<Migration>& embedded_migrations() {
  static const std::vector<Migration> migrations = {
${body}  };
  return migrations;
}

}  // namespace automat::db
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
