# Cassandra's CQL native protocol client (datastores/cassandra/common_cql_*,
# in automat_ds_common): codec and session unit tests
# without a server, and integration tests against one real Cassandra node
# started from the image in AUTOMAT_CASSANDRA_IMAGE (./run_tests.sh lays it
# out with automat-manage datastore install cassandra).
foreach(name cql_frame cql_result cql_session)
  add_executable(common_${name}_test unit/common_${name}_test.cc)
  target_compile_options(common_${name}_test PRIVATE ${AUTOMAT_WARNINGS})
  target_link_libraries(common_${name}_test PRIVATE automat_ds_common automat_test_support)
  gtest_discover_tests(common_${name}_test TEST_PREFIX "cql." DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
endforeach()

# One Cassandra JVM per test process (tests/support/cassandra_node.h), for
# any area's integration tests.
add_library(automat_test_cassandra_node STATIC support/cassandra_node.cc)
target_compile_options(automat_test_cassandra_node PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(automat_test_cassandra_node PUBLIC automat_ds_common automat_test_support)

add_executable(cql_cassandra_test integration/cql_cassandra_test.cc)
target_compile_options(cql_cassandra_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(cql_cassandra_test PRIVATE automat_test_cassandra_node)
# One ctest test for the whole binary, so its cases share one JVM.
add_test(NAME cql_cassandra_integration COMMAND cql_cassandra_test)
set_tests_properties(cql_cassandra_integration PROPERTIES LABELS integration TIMEOUT 300)
