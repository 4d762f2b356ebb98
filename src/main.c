/* main.c - placeholder until the capture loop lands. */
int main(void)
{
    return 0;
}
