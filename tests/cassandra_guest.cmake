# Cassandra guest manager (datastores/cassandra/guest_*).
set(CASSANDRA_GUEST_UNIT_TESTS
  cassandra_guest_command_test cassandra_guest_config_test cassandra_guest_cql_test
  cassandra_guest_manager_test cassandra_guest_service_test cassandra_guest_ring_test
  cassandra_guest_backup_test)
foreach(t ${CASSANDRA_GUEST_UNIT_TESTS})
  add_executable(${t} ${CMAKE_CURRENT_SOURCE_DIR}/unit/${t}.cc)
  target_compile_options(${t} PRIVATE ${AUTOMAT_WARNINGS})
  target_link_libraries(${t} PRIVATE automat_guestagent automat_test_support)
  gtest_discover_tests(${t} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
endforeach()
# `nodetool status` and nodetool errors captured from real 5.0.9 rings.
target_compile_definitions(cassandra_guest_ring_test PRIVATE
  AUTOMAT_CASSANDRA_FIXTURES="${CMAKE_CURRENT_SOURCE_DIR}/unit/data/cassandra")

# Integration: real Cassandra JVMs from $AUTOMAT_CASSANDRA_IMAGE (a two-node
# ring on 127.32.0.1/.2, then a standalone node on 127.32.0.3; at most two
# JVMs at once, ~1 GB RSS each). Fails when the variable is unset.
add_executable(cassandra_guest_integration_test
  ${CMAKE_CURRENT_SOURCE_DIR}/integration/cassandra_guest_test.cc)
target_compile_options(cassandra_guest_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(cassandra_guest_integration_test PRIVATE
  automat_guestagent automat_test_support)
add_test(NAME cassandra_guest_integration COMMAND cassandra_guest_integration_test)
set_tests_properties(cassandra_guest_integration PROPERTIES LABELS integration TIMEOUT 900)
