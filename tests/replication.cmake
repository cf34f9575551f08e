# MySQL GTID replication, guest side (datastores/mysql/guest_replication*).
set(REPLICATION_UNIT_TESTS
  guest_replication_sql_test guest_replication_status_test guest_replication_config_test
  guest_replication_flow_test)
foreach(t ${REPLICATION_UNIT_TESTS})
  add_executable(${t} ${CMAKE_CURRENT_SOURCE_DIR}/unit/${t}.cc)
  target_compile_options(${t} PRIVATE ${AUTOMAT_WARNINGS})
  target_link_libraries(${t} PRIVATE automat_guestagent automat_test_support)
  gtest_discover_tests(${t} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
endforeach()

# Integration: two real MariaDB servers on free loopback addresses, a source
# and a replica seeded from its backup (the tests build on each other).
add_executable(guest_replication_integration_test
  ${CMAKE_CURRENT_SOURCE_DIR}/integration/guest_replication_test.cc)
target_compile_options(guest_replication_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(guest_replication_integration_test PRIVATE
  automat_guestagent automat_test_support)
add_test(NAME guest_replication_integration COMMAND guest_replication_integration_test)
set_tests_properties(guest_replication_integration PROPERTIES LABELS integration TIMEOUT 180)
