/* Preloaded into the real app's end-to-end tests in ASan builds (tests/e2e/CMakeLists.txt):
 * dlclose() keeps the library loaded. libGL dlopen()s the Mesa driver and closes it at exit,
 * before LeakSanitizer's check; the driver's own allocations then show as leaks from an
 * "<unknown module>" that no suppression can name. Kept loaded, the driver's globals still
 * reach them. cbsim's own code is never unloaded, so nothing of it is hidden. */
int dlclose(void* handle);

int dlclose(void* handle) {
    (void)handle;
    return 0;
}
