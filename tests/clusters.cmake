# Tests of the clusters API (api/cluster*, api/clusters_handler*), the
# Cassandra rules (datastores/cassandra/) and the cluster repository
# (db/pg_cluster_repository.cc). Unit tests run over tests/fakes; the
# integration test uses its own database on AUTOMAT_TEST_DATABASE_URL.
add_executable(cluster_db_integration_test integration/db_clusters_test.cc)
target_compile_options(cluster_db_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(cluster_db_integration_test PRIVATE automat_db automat_test_support)
gtest_discover_tests(cluster_db_integration_test TEST_PREFIX "cluster_db." DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)

add_executable(cassandra_rules_test unit/cassandra_topology_test.cc
  unit/cassandra_shrink_checks_test.cc)
target_compile_options(cassandra_rules_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(cassandra_rules_test PRIVATE automat_ds_common automat_test_support)
gtest_discover_tests(cassandra_rules_test DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)

add_executable(cluster_api_unit_test
  unit/api_cluster_request_test.cc
  unit/api_clusters_test.cc
  unit/api_cluster_actions_test.cc
  unit/api_cluster_backups_test.cc
  unit/api_cluster_backup_schedules_test.cc
  unit/api_cluster_resize_volume_test.cc
  unit/api_cluster_resize_test.cc
  unit/cassandra_api_strategy_test.cc)
target_compile_options(cluster_api_unit_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(cluster_api_unit_test PRIVATE automat_api_core automat_ds_api
  automat_test_support)
gtest_discover_tests(cluster_api_unit_test DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)

add_executable(cluster_api_integration_test integration/api_clusters_pg_test.cc)
target_compile_options(cluster_api_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(cluster_api_integration_test PRIVATE automat_api_core automat_ds_api
  automat_db automat_test_support)
gtest_discover_tests(cluster_api_integration_test TEST_PREFIX "cluster_api_pg." DISCOVERY_MODE
  PRE_TEST PROPERTIES LABELS integration TIMEOUT 120)
