# Databases, users and root (Trove's extensions): the API routes over a fake
# guest, the SQL/CQL text the guests run, and the guests against a real
# MariaDB and a real Cassandra node.
add_executable(api_database_admin_unit_test
  unit/api_database_admin_test.cc unit/api_root_test.cc)
target_compile_options(api_database_admin_unit_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(api_database_admin_unit_test PRIVATE automat_api_core automat_ds_api
  automat_test_support)
gtest_discover_tests(api_database_admin_unit_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS unit TIMEOUT 60)

# The guests' side: SQL/CQL text and decisions over scripted clients.
foreach(t guest_mysql_admin_test cassandra_guest_admin_test)
  add_executable(${t} unit/${t}.cc)
  target_compile_options(${t} PRIVATE ${AUTOMAT_WARNINGS})
  target_link_libraries(${t} PRIVATE automat_guestagent automat_test_support)
  gtest_discover_tests(${t} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit TIMEOUT 60)
endforeach()

# Integration: the guests against a real MariaDB (root, the mysql system
# user) and a real Cassandra 5.0 node ($AUTOMAT_CASSANDRA_IMAGE, one JVM on
# 127.33.250.1). The tests of each build on each other: one process each.
add_executable(guest_mysql_admin_integration_test integration/guest_mysql_admin_test.cc)
target_compile_options(guest_mysql_admin_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(guest_mysql_admin_integration_test PRIVATE automat_guestagent
  automat_test_support)
add_test(NAME guest_mysql_admin_integration COMMAND guest_mysql_admin_integration_test)
set_tests_properties(guest_mysql_admin_integration PROPERTIES LABELS integration TIMEOUT 600)

add_executable(cassandra_guest_admin_integration_test integration/cassandra_guest_admin_test.cc)
target_compile_options(cassandra_guest_admin_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(cassandra_guest_admin_integration_test PRIVATE automat_guestagent
  automat_test_support)
add_test(NAME cassandra_guest_admin_integration COMMAND cassandra_guest_admin_integration_test)
set_tests_properties(cassandra_guest_admin_integration PROPERTIES LABELS integration TIMEOUT 900)
