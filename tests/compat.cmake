# Trove compatibility (issue 10): numeric strings, include_clustered, the
# catalog routes, the view fields Trove's clients read, pagination, limits
# and quotas. Unit tests run the Router over tests/fakes; the integration
# test runs concurrent API creates over the PostgreSQL repositories on its
# own database of AUTOMAT_TEST_DATABASE_URL (the quota contract itself runs
# in db_integration_test).
add_executable(compat_unit_test
  unit/db_quota_test.cc
  unit/api_trove_views_test.cc
  unit/api_pagination_test.cc
  unit/api_quotas_test.cc
  unit/api_backup_quota_test.cc
  unit/manage_quota_test.cc
  unit/api_compat_config_test.cc)
target_compile_options(compat_unit_test PRIVATE ${AUTOMAT_WARNINGS})
target_compile_definitions(compat_unit_test PRIVATE
  AUTOMAT_SAMPLE_CONFIG="${PROJECT_SOURCE_DIR}/etc/automat.conf")
target_link_libraries(compat_unit_test PRIVATE automat_api_core automat_ds_api
  automat_manage_commands automat_test_support)
gtest_discover_tests(compat_unit_test TEST_PREFIX "compat." DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS unit)

add_executable(compat_integration_test integration/db_quotas_test.cc)
target_compile_options(compat_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(compat_integration_test PRIVATE automat_api_core automat_ds_api automat_db
  automat_test_support)
gtest_discover_tests(compat_integration_test TEST_PREFIX "compat_pg." DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)

add_executable(compat_cli_unit_test unit/cli_compat_test.cc)
target_compile_options(compat_cli_unit_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(compat_cli_unit_test PRIVATE automat_cli_lib automat_test_support)
gtest_discover_tests(compat_cli_unit_test TEST_PREFIX "compat_cli." DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS unit)
