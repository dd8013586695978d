int c_constructed;
__attribute__((constructor)) static void construct(void) { c_constructed = 1; }
