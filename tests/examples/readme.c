/* readme.c - the library example of README.md, a whole program. */
#include <resolvsip.h>
#include "tests/examples/readme.inc"
