#include <cstdio>
int main() { std::puts("fleetsim: work in progress"); return 0; }
