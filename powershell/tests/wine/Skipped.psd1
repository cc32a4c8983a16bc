# The tests the wine run (run.sh) leaves out, by '<Describe> <It>' name (-like), each with why:
# what wine cannot do, not what the module gets wrong on Windows.
@{
}
