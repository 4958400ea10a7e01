"""Code the function gets from its layer."""


def greeting():
    return "hello from the live alias"
