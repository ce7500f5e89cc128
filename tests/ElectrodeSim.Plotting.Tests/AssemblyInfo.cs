// Tests run one at a time. HDF5 opens files without close-on-exec and holds a flock on them, so a
// chromium child started by one test while another test is writing a result file
// inherits that file's exclusive lock, and reading the finished file then fails until the child
// exits. Running the tests in sequence keeps every writer closed before any child is started.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
